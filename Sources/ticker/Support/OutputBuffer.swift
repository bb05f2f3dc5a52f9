import Foundation

/// Collects output bytes and writes them to standard output in 64 KiB blocks.
///
/// A command that answers every line of a large input would otherwise spend more time in `print`,
/// which locks and writes per call, than in its own work. Output is written only by `flush`, so
/// nothing else may print to standard output while a buffer is in use.
struct OutputBuffer {
    /// Standard output could not be written, worded for the terminal.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static let blockSize = 64 * 1024
    private var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(Self.blockSize + 1024)
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    /// Writes the buffer out once it holds a block or more; call after each unit of output.
    mutating func flushIfFull() throws {
        if bytes.count >= Self.blockSize { try flush() }
    }

    /// Writes everything buffered.
    mutating func flush() throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "cannot write to standard output: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
