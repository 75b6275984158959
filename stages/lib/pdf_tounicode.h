/*
 * pdf_tounicode.h - a real ToUnicode CMap for libharu's UTF-8 fonts.
 *
 * libharu 2.3 writes its encoding CMap (begincidrange) as the fonts'
 * ToUnicode, which poppler warns about ("Invalid 'begincidrange' operator
 * in ToUnicode CMap") and other readers may misread when text is copied
 * (notes/libharu.md 1.1).  With the UTF-8 encoder our CIDs are the Unicode
 * code points, so the right map is the identity.  The letters (pdf.c) and
 * the reports (report_pdf.c) both need it; they differ only in which
 * blocks they map.  The letters number their CIDs compactly instead
 * (pdf_tounicode_cids_text), so their map lists each CID's code point.
 */
#ifndef SKEMA_PDF_TOUNICODE_H
#define SKEMA_PDF_TOUNICODE_H

#include <hpdf.h>

/*
 * Gives regular and bold one ToUnicode stream mapping the 256-code-point
 * blocks blocks[0..nblocks) of the BMP (block hi: U+hi00..U+hiFF) to
 * themselves.  libharu's own stream stays as an unused object.  Returns 0,
 * or -1 when out of memory for the map's text.
 */
int pdf_tounicode_add(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold, const int *blocks,
		      int nblocks);

/*
 * The text of the same map for fonts whose CIDs are not the code points
 * but numbered 1..ncids in the order of a character set (the letters,
 * pdf.c): CID c stands for code point cps[c] (cps[0] is unused).
 * Consecutive CIDs for consecutive code points share one bfrange.  Returns
 * the CMap (caller frees) and its length in *len, or NULL (no memory);
 * the caller makes the stream, which it can then keep deflated.
 */
char *pdf_tounicode_cids_text(const unsigned short *cps, unsigned ncids, size_t *len);

#endif
