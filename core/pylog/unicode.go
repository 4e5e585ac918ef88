package pylog

import "unicode"

// notPrintable311 lists the code points that Go's tables (Unicode 15.0)
// call printable but CPython 3.11's (Unicode 14.0) do not, because they
// were assigned after Unicode 14.0. It was produced by comparing
// unicode.IsPrint with str.isprintable for every code point;
// TestPrintableMatchesCPython repeats that comparison against the
// interpreter when one is present.
var notPrintable311 = [...]struct{ lo, hi rune }{
	{0x0CF3, 0x0CF3}, {0x0ECE, 0x0ECE}, {0x10EFD, 0x10EFF}, {0x1123F, 0x11241},
	{0x11B00, 0x11B09}, {0x11F00, 0x11F10}, {0x11F12, 0x11F3A}, {0x11F3E, 0x11F59},
	{0x1342F, 0x1342F}, {0x13440, 0x13455}, {0x1B132, 0x1B132}, {0x1B155, 0x1B155},
	{0x1D2C0, 0x1D2D3}, {0x1DF25, 0x1DF2A}, {0x1E030, 0x1E06D}, {0x1E08F, 0x1E08F},
	{0x1E4D0, 0x1E4F9}, {0x1F6DC, 0x1F6DC}, {0x1F774, 0x1F776}, {0x1F77B, 0x1F77F},
	{0x1F7D9, 0x1F7D9}, {0x1FA75, 0x1FA77}, {0x1FA87, 0x1FA88}, {0x1FAAD, 0x1FAAF},
	{0x1FABB, 0x1FABD}, {0x1FABF, 0x1FABF}, {0x1FACE, 0x1FACF}, {0x1FADA, 0x1FADB},
	{0x1FAE8, 0x1FAE8}, {0x1FAF7, 0x1FAF8}, {0x2B739, 0x2B739}, {0x31350, 0x323AF},
}

// isPrintable reports whether CPython 3.11's str.isprintable holds for r,
// which decides whether repr() writes r as itself or as an escape. Python
// counts as non-printable the categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs
// other than the ASCII space: exactly the complement of unicode.IsPrint,
// once the later assignments above are taken out.
func isPrintable(r rune) bool {
	if !unicode.IsPrint(r) {
		return false
	}
	if r < notPrintable311[0].lo {
		return true
	}
	for _, g := range notPrintable311 {
		if r < g.lo {
			return true
		}
		if r <= g.hi {
			return false
		}
	}
	return true
}
