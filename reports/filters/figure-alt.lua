-- Word picture descriptions from the figures' alt text (impact: Report.figure writes alt="...").
-- Quarto's DOCX output takes a picture's description from the image's own text, not from its
-- `alt` attribute (Pandoc alone uses the attribute); after Quarto has laid out the figure, the
-- image's text is set to the alt text. The figure's caption is not the image's text: it stays.
function Image(img)
  local alt = img.attributes["alt"]
  if FORMAT:match("docx") and alt and alt ~= "" then
    img.caption = { pandoc.Str(alt) }
  end
  return img
end
