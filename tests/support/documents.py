"""Looking at rendered documents as people do: pages as pictures, and the text on them."""

from pathlib import Path

import pypdfium2

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


def pdf_pages(pdf: bytes, name: str) -> list[str]:
    """The text of each page of `pdf`; each page is also saved as a picture, test-artifacts/documents/<name>-<n>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    texts = []
    try:
        for number, page in enumerate(document, start=1):
            page.render(scale=1.5).to_pil().save(ARTIFACTS / f"{name}-{number}.png")
            text_page = page.get_textpage()
            texts.append(text_page.get_text_range())
            text_page.close()
            page.close()
    finally:
        document.close()
    return texts
