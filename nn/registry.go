package nn

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/harmonic-go/harmonic/tensor"
)

// Architecture is what Register needs to know of a network family.
type Architecture struct {
	// New builds the network of cfg (already checked by Check, Channels
	// at least 1) with weights drawn from rng: a Net or a Conditioned.
	New func(cfg Config, rng *tensor.RNG) (Model, error)
	// Check says why cfg's sizes make no network of this architecture,
	// without building one (configs come from flags and files).
	Check func(cfg Config) error
	// InputMultiple is the number image heights and widths must be
	// divisible by (1: any size).
	InputMultiple func(cfg Config) int
	// Describe names the network for messages ("the bf-unet L=2 base 64").
	Describe func(cfg Config) string
	// Meta, when set, is the checkpoint metadata of cfg (otherwise
	// Config.Meta's arch, base, levels or layers, and channels for colour).
	Meta func(cfg Config) map[string]string
	// Conditioned says New builds a Conditioned network (net(x, t)), not a
	// blind Net.
	Conditioned bool
	// Classifier says New builds an image Classifier (logits and an
	// embedding), not a denoiser.
	Classifier bool
}

var (
	archMu sync.RWMutex
	archs  = map[string]Architecture{}
)

// Register makes an architecture buildable by New and loadable by Load
// under its name (the checkpoint's "arch"). Registering a name twice, or an
// Architecture with a missing function, is a programming error and panics,
// as registrations run at start-up.
func Register(arch string, a Architecture) {
	if arch == "" || a.New == nil || a.Check == nil || a.InputMultiple == nil || a.Describe == nil {
		panic(fmt.Sprintf("nn: Register(%q): name and all of New, Check, InputMultiple, Describe are required", arch))
	}
	archMu.Lock()
	defer archMu.Unlock()
	if _, dup := archs[arch]; dup {
		panic(fmt.Sprintf("nn: architecture %q registered twice", arch))
	}
	archs[arch] = a
}

// Archs lists the registered architecture names, sorted.
func Archs() []string {
	archMu.RLock()
	defer archMu.RUnlock()
	names := make([]string, 0, len(archs))
	for n := range archs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func lookup(arch string) (Architecture, bool) {
	archMu.RLock()
	defer archMu.RUnlock()
	a, ok := archs[arch]
	return a, ok
}

func architecture(arch string) (Architecture, error) {
	a, ok := lookup(arch)
	if !ok {
		return Architecture{}, fmt.Errorf("unknown architecture %q (registered: %s)", arch, strings.Join(Archs(), ", "))
	}
	return a, nil
}

// Check says why cfg describes no network: an unknown architecture (the
// error lists the registered ones), a channel count below 0, or sizes its
// architecture rejects.
func Check(cfg Config) error {
	a, err := architecture(cfg.Arch)
	if err != nil {
		return err
	}
	if cfg.Channels < 0 || cfg.Channels > 1<<10 {
		return fmt.Errorf("%s: %d image channels", cfg.Arch, cfg.Channels)
	}
	return a.Check(cfg)
}

// InputMultiple is the number the image height and width must be
// divisible by for cfg's network (e.g. 2^levels for a bf-unet).
func InputMultiple(cfg Config) (int, error) {
	a, err := architecture(cfg.Arch)
	if err != nil {
		return 0, err
	}
	return a.InputMultiple(cfg), nil
}

// IsConditioned says whether cfg's architecture is time-conditioned (New
// returns a Conditioned) rather than blind (a Net).
func IsConditioned(cfg Config) (bool, error) {
	a, err := architecture(cfg.Arch)
	if err != nil {
		return false, err
	}
	return a.Conditioned, nil
}

// IsClassifier says whether cfg's architecture is an image classifier
// (New returns a Classifier) rather than a denoiser.
func IsClassifier(cfg Config) (bool, error) {
	a, err := architecture(cfg.Arch)
	if err != nil {
		return false, err
	}
	return a.Classifier, nil
}

// New builds the network cfg describes, its weights drawn from rng (the
// same rng state gives the same bits): a Net or a Conditioned (see Model).
func New(cfg Config, rng *tensor.RNG) (Model, error) {
	if err := Check(cfg); err != nil {
		return nil, err
	}
	a, _ := lookup(cfg.Arch)
	cfg.Channels = cfg.ImageChannels()
	return a.New(cfg, rng)
}

// AsNet is m as a blind Net, or an error naming the network when it is a
// time-conditioned one.
func AsNet(m Model) (Net, error) {
	if n, ok := m.(Net); ok {
		return n, nil
	}
	return nil, fmt.Errorf("%s is %s, not a blind denoiser net(y)", m.Config(), kindOf(m))
}

// AsConditioned is m as a Conditioned network, or an error naming the
// network when it is a blind one.
func AsConditioned(m Model) (Conditioned, error) {
	if n, ok := m.(Conditioned); ok {
		return n, nil
	}
	return nil, fmt.Errorf("%s is %s, not a time-conditioned network net(x, t)", m.Config(), kindOf(m))
}
