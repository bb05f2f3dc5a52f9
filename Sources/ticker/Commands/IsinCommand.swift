import ArgumentParser
import Foundation
import TickerISIN

/// `ticker isin …`: tools for the ISIN pipeline.
struct IsinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isin",
        abstract: "Work with ISINs, the ISO 6166 securities identifiers.",
        subcommands: [Validate.self, Import.self, Sync.self, Show.self, Search.self, Diff.self, Export.self, Snapshots.self]
    )

    /// Checks a list of ISINs: one verdict per input line, in order, streamed as the input is read.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check ISINs, one per line; say which are valid and which rule each other one breaks.",
            discussion: """
                Each line is normalized first: surrounding whitespace trimmed, spaces and hyphens \
                removed, letters upper-cased. Then it must be 12 characters of A-Z and 0-9 with a \
                country or ISIN prefix in use and the right ISO 6166 check digit. Non-ASCII \
                characters and blank lines are invalid. See docs/isin.md.

                Exit status: 0 when every line is valid, 1 when any line is not, 2 when the input \
                cannot be read.

                Examples:
                  ticker isin validate isins.txt
                  printf 'US0378331005\\nus 0378-3310 04\\n' | ticker isin validate --json
                """
        )

        @Argument(help: "A file with one ISIN per line, or - for standard input.")
        var file = "-"

        @Flag(help: "Print one JSON object per line: input, valid, normalized (or null), error (or null).")
        var json = false

        func run() async throws {
            let reader: LineReader
            do {
                reader = try LineReader(path: file)
            } catch {
                throw Self.inputError(error)
            }
            var output = OutputBuffer()
            var invalid = 0
            do {
                try reader.forEachLine { line in
                    let result = ISIN.validate(utf8: line)
                    if case .failure = result { invalid += 1 }
                    if json {
                        Self.appendJSON(line, result, to: &output)
                    } else {
                        Self.appendText(line, result, to: &output)
                    }
                    try output.flushIfFull()
                }
                try output.flush()
            } catch let error as LineReader.Failure {
                try? output.flush()
                throw Self.inputError(error)
            }
            if invalid > 0 { throw ExitCode.failure }
        }

        /// Exit status 2 with the reason on standard error. ArgumentParser's `ValidationError` would
        /// exit with 64 (EX_USAGE) and print the usage text, which says nothing about a missing file.
        private static func inputError(_ error: LineReader.Failure) -> ExitCode {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            return ExitCode(2)
        }

        /// `US0378331005  valid`, `us0378331005  valid (US0378331005)` when normalizing changed
        /// something, or `US0378331004  invalid: check digit should be 5, found 4`.
        static func appendText(_ line: UnsafeBufferPointer<UInt8>, _ result: Result<ISIN, ISINError>, to output: inout OutputBuffer) {
            appendReadable(line, to: &output)
            switch result {
            case let .success(isin):
                output.append("  valid")
                if !line.elementsEqual(isin.description.utf8) { output.append(" (\(isin))") }
            case let .failure(error):
                output.append("  invalid: \(error)")
            }
            output.append(UInt8(ascii: "\n"))
        }

        /// `{"input": "…", "valid": true, "normalized": "…", "error": null}`, keys always in this order.
        static func appendJSON(_ line: UnsafeBufferPointer<UInt8>, _ result: Result<ISIN, ISINError>, to output: inout OutputBuffer) {
            output.append("{\"input\": ")
            if line.allSatisfy({ $0 < 0x80 }) {
                appendJSONString(line, to: &output)
            } else {
                appendJSONString(String(decoding: line, as: UTF8.self).utf8, to: &output)
            }
            switch result {
            case let .success(isin):
                output.append(", \"valid\": true, \"normalized\": \"\(isin)\", \"error\": null}\n")
            case let .failure(error):
                output.append(", \"valid\": false, \"normalized\": null, \"error\": ")
                appendJSONString(error.description.utf8, to: &output)
                output.append("}\n")
            }
        }

        /// The line as text: its bytes when they are ASCII, otherwise decoded with invalid UTF-8
        /// replaced by U+FFFD, so the output is always valid UTF-8.
        private static func appendReadable(_ line: UnsafeBufferPointer<UInt8>, to output: inout OutputBuffer) {
            if line.allSatisfy({ $0 < 0x80 }) {
                output.append(line)
            } else {
                output.append(String(decoding: line, as: UTF8.self))
            }
        }

        private static let hexDigits = Array("0123456789abcdef".utf8)

        /// A JSON string literal of valid UTF-8 `bytes`: quotes, backslashes and control characters
        /// escaped, everything else as is.
        private static func appendJSONString(_ bytes: some Sequence<UInt8>, to output: inout OutputBuffer) {
            output.append(UInt8(ascii: "\""))
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    output.append(UInt8(ascii: "\\"))
                    output.append(byte)
                case UInt8(ascii: "\n"): output.append("\\n")
                case UInt8(ascii: "\r"): output.append("\\r")
                case UInt8(ascii: "\t"): output.append("\\t")
                case 0..<0x20:
                    output.append("\\u00")
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0xF)])
                default:
                    output.append(byte)
                }
            }
            output.append(UInt8(ascii: "\""))
        }
    }
}
