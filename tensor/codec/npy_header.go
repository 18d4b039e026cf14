package codec

import (
	"strconv"
	"strings"

	"github.com/harmonic-go/harmonic/tensor"
)

// npyHeader is the dictionary at the start of a .npy file, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNpyHeader reads the Python dict literal numpy writes. It accepts exactly
// the grammar numpy's own writer produces (and its reader accepts): string keys,
// string/bool/tuple-of-int values, optional trailing commas, and requires the
// three keys, as numpy does.
func parseNpyHeader(s string) (npyHeader, error) {
	p := &pyLexer{s: s}
	var h npyHeader
	if err := p.expect('{'); err != nil {
		return h, err
	}
	seen := map[string]bool{}
	for {
		p.skipSpace()
		if p.peek() == '}' {
			p.pos++
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if err := p.expect(':'); err != nil {
			return h, err
		}
		switch key {
		case "descr":
			h.descr, err = p.str()
		case "fortran_order":
			h.fortran, err = p.boolean()
		case "shape":
			h.shape, err = p.intTuple()
		default:
			return h, formatf("unexpected header key %q", key)
		}
		if err != nil {
			return h, formatf("header key %q: %v", key, err)
		}
		if seen[key] {
			return h, formatf("header key %q repeated", key)
		}
		seen[key] = true
		p.skipSpace()
		if p.peek() == ',' {
			p.pos++
			continue
		}
		if err := p.expect('}'); err != nil {
			return h, err
		}
		break
	}
	if rest := strings.TrimSpace(s[p.pos:]); rest != "" {
		return h, formatf("trailing text %q after header dict", clip(rest))
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, formatf("header has no %q key", k)
		}
	}
	return h, nil
}

// pyLexer scans the small subset of Python literal syntax in .npy headers.
type pyLexer struct {
	s   string
	pos int
}

func (p *pyLexer) skipSpace() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *pyLexer) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *pyLexer) expect(c byte) error {
	p.skipSpace()
	if p.peek() != c {
		return formatf("header: expected %q at byte %d of %q", c, p.pos, clip(p.s))
	}
	p.pos++
	return nil
}

func (p *pyLexer) str() (string, error) {
	p.skipSpace()
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", formatf("header: expected a string at byte %d of %q", p.pos, clip(p.s))
	}
	end := strings.IndexByte(p.s[p.pos+1:], q)
	if end < 0 {
		return "", formatf("header: unterminated string in %q", clip(p.s))
	}
	v := p.s[p.pos+1 : p.pos+1+end]
	p.pos += end + 2
	return v, nil
}

func (p *pyLexer) boolean() (bool, error) {
	p.skipSpace()
	for _, w := range []string{"True", "False"} {
		if strings.HasPrefix(p.s[p.pos:], w) {
			p.pos += len(w)
			return w == "True", nil
		}
	}
	return false, formatf("expected True or False at byte %d", p.pos)
}

func (p *pyLexer) intTuple() ([]int, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	shape := []int{}
	for {
		p.skipSpace()
		if p.peek() == ')' {
			p.pos++
			return shape, nil
		}
		start := p.pos
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		if start == p.pos {
			return nil, formatf("expected a non-negative integer at byte %d", p.pos)
		}
		v, err := strconv.Atoi(p.s[start:p.pos])
		if err != nil || v > tensor.MaxElements {
			return nil, formatf("size %s too large: more than the %d elements a tensor may hold on this platform",
				p.s[start:p.pos], tensor.MaxElements)
		}
		if p.peek() == 'L' { // Python 2 long literal, written by old numpy
			p.pos++
		}
		shape = append(shape, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
		default:
			return nil, formatf("expected ',' or ')' at byte %d", p.pos)
		}
	}
}

// clip shortens text quoted in error messages.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// formatNpyHeader writes the dict exactly as numpy does: keys sorted, shape
// tuples with a trailing comma for one axis.
func formatNpyHeader(descr string, shape []int) string {
	var b strings.Builder
	b.WriteString("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (")
	for i, s := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(s))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteString("), }")
	return b.String()
}
