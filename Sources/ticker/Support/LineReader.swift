import Foundation

/// Reads a file or standard input line by line as bytes, a block at a time, so that a file of
/// millions of lines is never held in memory whole.
///
/// Lines end at "\n". A "\r" just before it is dropped as well (files saved on Windows), and so is
/// a UTF-8 byte order mark at the start of the first line (spreadsheets and Notepad write one).
/// A last line without a final "\n" still counts; an empty input has no lines.
final class LineReader {
    /// Why the input could not be opened or read, worded for the terminal.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static let blockSize = 64 * 1024
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private let descriptor: Int32
    private let name: String
    private let ownsDescriptor: Bool

    /// Opens `path`, or standard input for "-".
    init(path: String) throws(Failure) {
        if path == "-" {
            descriptor = STDIN_FILENO
            name = "standard input"
            ownsDescriptor = false
            return
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw Failure(description: "cannot open '\(path)': \(Self.lastError())") }
        descriptor = opened
        name = "'\(path)'"
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Calls `body` once per line, in order, with the line's bytes without its line break. The
    /// buffer is only valid during the call.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        // A line cut by the end of a block waits here for the rest.
        var pending: [UInt8] = []
        var firstLine = true

        func emit(_ line: UnsafeBufferPointer<UInt8>) throws {
            var line = line
            if firstLine {
                firstLine = false
                if line.starts(with: Self.byteOrderMark) { line = UnsafeBufferPointer(rebasing: line.dropFirst(3)) }
            }
            if line.last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
            try body(line)
        }

        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot read \(name): \(Self.lastError())")
            }
            if count == 0 { break }
            try block.withUnsafeBufferPointer { buffer in
                let filled = UnsafeBufferPointer(rebasing: buffer[..<count])
                var start = 0
                while let newline = filled[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    if pending.isEmpty {
                        try emit(UnsafeBufferPointer(rebasing: filled[start..<newline]))
                    } else {
                        pending.append(contentsOf: filled[start..<newline])
                        try pending.withUnsafeBufferPointer { try emit($0) }
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = newline + 1
                }
                pending.append(contentsOf: filled[start...])
            }
        }
        // A final line without "\n"; a lone byte order mark is not a line.
        if !pending.isEmpty, !(firstLine && pending == Self.byteOrderMark) {
            try pending.withUnsafeBufferPointer { try emit($0) }
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
