# stages/letter/rules.mk - the subset fonts letters embed.
#
# libharu 2.3 copies every TrueType table but glyf whole and walks all
# 65,536 code points when a font is loaded (shared/notes/libharu.md 1.2), so
# the stock DejaVu Sans costs ~190 KB and ~28 ms per letter.  A font cut down
# at build time to the characters in fonts/unicodes.txt is ~40 KB and five
# times faster.  The subset files are committed; `make fonts` regenerates
# them from fonts-dejavu-core with fonttools (pyftsubset).  The layout module
# (stages/lib/pdf.c) asks the loaded font which characters it has and
# replaces any other visibly, so the set is enforced where text is drawn.

DEJAVU_DIR ?= /usr/share/fonts/truetype/dejavu
PYFTSUBSET ?= pyftsubset
# --no-hinting drops the TrueType instructions: half of each font's bytes,
# and PDF viewers rasterise without them (checked with pdftoppm at 60-150 dpi).
FONT_SUBSET_OPTS = --unicodes-file=fonts/unicodes.txt --no-glyph-names --no-hinting \
	--layout-features='' --drop-tables+=GSUB,GPOS,GDEF,kern,FFTM,MATH \
	--name-IDs=0,1,2,3,4,5,6,7,8,11,14 --notdef-outline

fonts:
	$(PYFTSUBSET) $(DEJAVU_DIR)/DejaVuSans.ttf $(FONT_SUBSET_OPTS) --output-file=fonts/skema-sans.ttf
	$(PYFTSUBSET) $(DEJAVU_DIR)/DejaVuSans-Bold.ttf $(FONT_SUBSET_OPTS) --output-file=fonts/skema-sans-bold.ttf
	cp /usr/share/doc/fonts-dejavu-core/copyright fonts/LICENSE-DejaVu.txt

.PHONY: fonts
