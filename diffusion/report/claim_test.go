package report

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerdicts(t *testing.T) {
	if Judge(true) != Holds || Judge(false) != DoesNotHold {
		t.Fatal("Judge")
	}
	for _, c := range []struct {
		parts []string
		want  string
	}{
		{[]string{Holds, Holds}, Holds},
		{[]string{Holds, DoesNotHold}, DoesNotHold},
		{[]string{NotMeasured, DoesNotHold}, DoesNotHold},
		{[]string{Holds, NotMeasured}, NotMeasured},
		{[]string{NotMeasured, NotMeasured}, NotMeasured},
	} {
		if got := AllOf(c.parts...); got != c.want {
			t.Errorf("AllOf%v = %q, want %q", c.parts, got, c.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	n := Numbers{}
	n.Set("a", 1)
	n.Set("nan", math.NaN())
	n.Set("inf", math.Inf(-1))
	if !n.Has("a") || n.Has("a", "nan") || n.Has("inf") || len(n) != 1 {
		t.Fatalf("non-finite values kept: %v", n)
	}
	if v := n.Value("missing"); !math.IsNaN(v) || Fmt(v, 2) != "n/a" {
		t.Fatalf("missing value %v", v)
	}
	if e := n.Pick("a", "missing"); len(e) != 1 || e["a"] != 1 {
		t.Fatalf("pick %v", e)
	}
	if e := n.Pick(); e == nil {
		t.Fatal("empty evidence is nil (encodes as null)")
	}
	f := Numbers{"gap_N10": 3, "gap_N2": 2, "gap_N1000": 4, "gap_N1e-1": 1, "gap_Nx": 9, "gap_N": 9, "gap_N5_other": 9, "other_N3": 9}.Family("gap_N", "")
	var keys []string
	for _, x := range f {
		keys = append(keys, x.Key)
	}
	if strings.Join(keys, " ") != "1e-1 2 10 1000" || f[0].Param != 0.1 || f[3].Name != "gap_N1000" || f[3].Value != 4 {
		t.Fatalf("family %+v", f)
	}
	if f := (Numbers{"t_N5_pair": 1, "t_N5_near": 2}).Family("t_N", "_pair"); len(f) != 1 || f[0].Param != 5 || f[0].Value != 1 {
		t.Fatalf("family with suffix %+v", f)
	}
}

func TestWriteClaims(t *testing.T) {
	path := filepath.Join(t.TempDir(), "claims.json")
	claims := []Claim{
		{ID: "A.1", Statement: "gap closes", Verdict: Holds, Evidence: map[string]float64{"gap_N1": 30.5, "gap_N1000": 0.25}},
		{ID: "A.4", Statement: "slopes rise", Verdict: NotMeasured, Evidence: map[string]float64{}},
	}
	if err := WriteClaims(path, claims); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["id"] != "A.1" || got[0]["statement"] != "gap closes" || got[0]["verdict"] != "holds" ||
		got[0]["evidence"].(map[string]any)["gap_N1000"] != 0.25 || got[1]["verdict"] != "not measured" || len(got[1]["evidence"].(map[string]any)) != 0 {
		t.Fatalf("claims.json:\n%s", b)
	}
	if len(got[0]) != 4 {
		t.Fatalf("claims.json fields %v, want id, statement, verdict, evidence", got[0])
	}
	if err := WriteClaims(path, []Claim{{ID: "X", Verdict: "undetermined"}}); err == nil || !strings.Contains(err.Error(), "undetermined") {
		t.Fatalf("a verdict outside the three: %v", err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Fatal("a rejected write replaced the file")
	}
}

func TestClaimTable(t *testing.T) {
	tab := ClaimTable([]Claim{{ID: "A.1", Statement: "s", Verdict: Holds}}, []string{"gap 30 → 0.2 dB: **holds**"})
	if len(tab.Rows) != 1 || strings.Join(tab.Rows[0], "|") != "A.1|s|gap 30 → 0.2 dB: **holds**|**holds**" {
		t.Fatalf("rows %q", tab.Rows)
	}
}
