/// Where a `DelimitedReader` gets its bytes: a pull source handing out the input a piece at a time,
/// so that a file of millions of rows never has to be in memory whole.
///
/// Chunks may be of any size and may cut anywhere, including inside a quoted field, a CRLF or a
/// multi-byte UTF-8 character; the reader carries state across them. An empty chunk is skipped.
/// Sendable, so that a reader can be handed to the task that imports the file.
public protocol ByteChunkSource: Sendable {
    /// The next bytes of the input, or nil at its end. Errors are reported by the reader as
    /// `DelimitedError.Kind.readFailed`, with the line reached.
    mutating func next() throws -> [UInt8]?
}

/// Bytes already in memory, handed out in chunks of a fixed size: for small inputs, and for tests
/// that cut the same input at every possible place.
public struct BytesChunkSource: ByteChunkSource {
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0

    /// `chunkSize` is clamped to at least 1.
    public init(_ bytes: [UInt8], chunkSize: Int = 64 * 1024) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    /// The UTF-8 bytes of `text`.
    public init(_ text: String, chunkSize: Int = 64 * 1024) {
        self.init(Array(text.utf8), chunkSize: chunkSize)
    }

    public mutating func next() -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(offset + chunkSize, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
