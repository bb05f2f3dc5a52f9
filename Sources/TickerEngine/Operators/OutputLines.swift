import Foundation

/// Cuts a child's output byte stream into log lines.
///
/// Output arrives in arbitrary chunks, so a line can span reads; this keeps the unfinished tail
/// until its newline (or end of stream) arrives. One line is capped at `maxLineBytes`: a command
/// that prints megabytes without a newline must not make the server hold it all in memory, nor
/// store it as one log record. The rest of such a line is dropped and the line says how much.
struct LineSplitter {
    static let maxLineBytes = 64 * 1024

    private var pending: [UInt8] = []
    /// Bytes of the current line dropped because it passed `maxLineBytes`.
    private var dropped = 0

    /// Adds a chunk of output, calling `emit` once per completed line (without its line break).
    /// Newlines are found with `memchr`: output can be megabytes, and this runs for every byte.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, emit: (String) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) {
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            keep(UnsafeBufferPointer(rebasing: bytes[start..<newline]))
            emit(takeLine())
            start = newline + 1
        }
        keep(UnsafeBufferPointer(rebasing: bytes[start...]))
    }

    /// Emits the last line if the stream ended without a line break.
    mutating func finish(emit: (String) -> Void) {
        if !pending.isEmpty || dropped > 0 {
            emit(takeLine())
        }
    }

    private mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) {
        let room = Self.maxLineBytes - pending.count
        if bytes.count <= room {
            pending.append(contentsOf: bytes)
        } else {
            pending.append(contentsOf: bytes.prefix(max(room, 0)))
            dropped += bytes.count - max(room, 0)
        }
    }

    private mutating func takeLine() -> String {
        defer {
            pending.removeAll(keepingCapacity: true)
            dropped = 0
        }
        if dropped == 0 {
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            return String(decoding: pending, as: UTF8.self)
        }
        let cut = Self.characterBoundary(in: pending)
        let lost = dropped + pending.count - cut
        return String(decoding: pending[..<cut], as: UTF8.self)
            + " [line cut at 64 KiB: \(lost) more bytes dropped]"
    }

    /// The largest prefix length that does not split a UTF-8 sequence, so a cut line does not end
    /// in a replacement character.
    static func characterBoundary(in bytes: [UInt8]) -> Int {
        var lead = bytes.count
        while lead > 0, bytes.count - lead < 4 {
            lead -= 1
            let byte = bytes[lead]
            guard byte & 0xC0 == 0x80 else {
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                return lead + length <= bytes.count ? bytes.count : lead
            }
        }
        return bytes.count
    }
}
