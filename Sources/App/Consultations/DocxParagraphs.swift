import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The paragraphs of a WordprocessingML body, each with whether its style is a heading or title.
final class DocxParagraphs: NSObject, XMLParserDelegate {
    struct Paragraph: Equatable {
        let heading: Bool
        let text: String
    }

    private var paragraphs: [Paragraph] = []
    private var text = ""
    private var heading = false
    private var insideText = false
    private var depth = 0

    static func read(_ xml: Data) throws -> [Paragraph] {
        let reader = DocxParagraphs()
        let parser = XMLParser(data: xml)
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse(), parser.parserError == nil, reader.depth == 0 else { throw DocumentText.Failure(reason: "bad_xml") }
        return reader.paragraphs
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        depth += 1
        switch elementName {
        case "w:p":
            text = ""
            heading = false
        case "w:pStyle":
            let style = (attributes["w:val"] ?? "").lowercased()
            heading = style.hasPrefix("heading") || style == "title" || style.hasPrefix("berschrift")
        case "w:t": insideText = true
        case "w:tab", "w:br", "w:cr": text += " "
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        switch elementName {
        case "w:t": insideText = false
        case "w:p":
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { paragraphs.append(Paragraph(heading: heading, text: trimmed)) }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if insideText { text += string }
    }
}
