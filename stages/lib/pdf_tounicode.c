/*
 * pdf_tounicode.c - the identity ToUnicode CMap (see pdf_tounicode.h).
 */
#include "pdf_tounicode.h"

#include <hpdf.h>

#include "strbuf.h"

int pdf_tounicode_add(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold, const int *blocks,
		      int nblocks)
{
	struct strbuf cmap;

	strbuf_init(&cmap, 0);
	strbuf_puts(&cmap, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
			   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
			   "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
			   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	/* One bfrange per block (a bfrange may only vary in its last byte),
	 * at most 100 to a section. */
	for (int i = 0; i < nblocks; i += 100) {
		int n = nblocks - i < 100 ? nblocks - i : 100;
		strbuf_printf(&cmap, "%d beginbfrange\n", n);
		for (int k = i; k < i + n; k++)
			strbuf_printf(&cmap, "<%02X00> <%02XFF> <%02X00>\n", blocks[k], blocks[k],
				      blocks[k]);
		strbuf_puts(&cmap, "endbfrange\n");
	}
	strbuf_puts(&cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	if (cmap.overflow || !cmap.data) {
		strbuf_release(&cmap);
		return -1;
	}
	HPDF_Dict stream = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
	if (stream) {
		stream->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
		HPDF_Stream_Write(stream->stream, (const HPDF_BYTE *)cmap.data, (HPDF_UINT)cmap.len);
		HPDF_Dict_Add(regular, "ToUnicode", stream);
		HPDF_Dict_Add(bold, "ToUnicode", stream);
	}
	strbuf_release(&cmap);
	return 0;
}
