/// Finds the second occurrence of a duplicated key in YAML text and renames it.
///
/// Yams reports only where the key first appears. Keys of one block mapping start in the same
/// column, so the next line that starts in that column with the same key is the duplicate; the
/// search ends where the mapping ends (a line that starts further left). For a flow mapping
/// (`{a: 1, a: 2}`) the rest of the first key's line is searched. When neither finds it, the
/// caller reports the duplicate without recovering.
enum DuplicateKeyLocator {
    struct Found {
        let text: String
        let location: SourceLocation
    }

    static func rename(_ key: String, after first: SourceLocation, in text: String, to marker: String) -> Found? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        let keyScalars = Array(key.unicodeScalars)
        let lineIndex = first.line - 1, column = first.column - 1
        guard lines.indices.contains(lineIndex), !keyScalars.isEmpty else { return nil }

        let candidates = flowCandidates(in: lines[lineIndex], from: column + keyScalars.count).map { (lineIndex, $0) }
            + blockCandidates(in: lines, after: lineIndex, column: column)
        for (line, start) in candidates {
            guard let length = keyLength(keyScalars, in: lines[line], at: start) else { continue }
            lines[line].replaceSubrange(start..<(start + length), with: marker.unicodeScalars)
            let renamed = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
            return Found(text: renamed, location: SourceLocation(line: line + 1, column: start + 1))
        }
        return nil
    }

    /// Positions right after a `,` or `{` (and any spaces) on the first key's line.
    private static func flowCandidates(in line: [Unicode.Scalar], from start: Int) -> [Int] {
        guard start < line.count else { return [] }
        var result: [Int] = []
        for index in start..<line.count where line[index] == "," || line[index] == "{" {
            var next = index + 1
            while next < line.count, line[next] == " " { next += 1 }
            result.append(next)
        }
        return result
    }

    /// Later lines that start exactly in `column`, up to the end of the mapping.
    private static func blockCandidates(in lines: [[Unicode.Scalar]], after lineIndex: Int, column: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        for index in lines.indices where index > lineIndex {
            let line = lines[index]
            guard let indent = line.firstIndex(where: { $0 != " " }), line[indent] != "\r", line[indent] != "#" else {
                continue
            }
            if indent < column { break }
            if indent == column { result.append((index, indent)) }
        }
        return result
    }

    /// The length of `key` written at `start`, plain or quoted, if a `:` follows it.
    private static func keyLength(_ key: [Unicode.Scalar], in line: [Unicode.Scalar], at start: Int) -> Int? {
        guard start < line.count else { return nil }
        let quote: Unicode.Scalar? = (line[start] == "\"" || line[start] == "'") ? line[start] : nil
        var end = start + (quote == nil ? 0 : 1)
        guard end + key.count <= line.count, Array(line[end..<(end + key.count)]) == key else { return nil }
        end += key.count
        if let quote {
            guard end < line.count, line[end] == quote else { return nil }
            end += 1
        }
        var colon = end
        while colon < line.count, line[colon] == " " { colon += 1 }
        guard colon < line.count, line[colon] == ":" else { return nil }
        let afterColon = colon + 1
        guard afterColon == line.count || [" ", "\r", "\t"].contains(line[afterColon]) || quote != nil else { return nil }
        return end - start
    }
}
