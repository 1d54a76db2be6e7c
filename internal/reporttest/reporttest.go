// Package reporttest holds the checks that tests of the HTML report share:
// a chart drew something, and a page fetches nothing from outside.
package reporttest

import (
	"bytes"
	"image/png"
	"regexp"
	"testing"
)

// ExternalRef finds what a browser would fetch from outside the file: a
// URL with a scheme in src, href or url(), a script or stylesheet loaded
// from anywhere, an @import.
var ExternalRef = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:|//)|url\(\s*["']?\s*(https?:|//)|<script[^>]*\ssrc|<link[^>]*stylesheet|@import`)

// AssertDrawnPNG fails unless b is a PNG at least minWidth wide with drawn
// content: a blank or one-colour image (a chart that drew nothing) has few
// distinct colours and almost no non-white pixels.
func AssertDrawnPNG(t testing.TB, name string, b []byte, minWidth int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Errorf("%s: not a PNG: %v", name, err)
		return
	}
	bounds := img.Bounds()
	colours := map[[4]uint32]bool{}
	inked := 0
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, b, a}] = true
			if r < 0xf000 || g < 0xf000 || b < 0xf000 {
				inked++
			}
		}
	}
	share := float64(inked) / float64(bounds.Dx()*bounds.Dy())
	if bounds.Dx() < minWidth || len(colours) < 16 || share < 0.01 {
		t.Errorf("%s: %dx%d, %d colours, %.2f%% inked: looks blank", name, bounds.Dx(), bounds.Dy(), len(colours), 100*share)
	}
}
