import Foundation

/// Decodes file bytes as UTF-8, locating the first invalid byte for the error message.
enum TextDecoding {
    /// Where the bytes stop being UTF-8.
    struct InvalidByte: Error {
        let location: SourceLocation
    }

    static func utf8(_ data: Data) -> Result<String, InvalidByte> {
        if let text = String(data: data, encoding: .utf8) { return .success(text) }
        var line = 1, column = 1
        var iterator = data.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput, .error:
                return .failure(InvalidByte(location: SourceLocation(line: line, column: column)))
            }
        }
    }
}
