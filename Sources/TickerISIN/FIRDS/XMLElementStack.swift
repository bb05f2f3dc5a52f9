/// The elements open at the scanner's position and the namespace declarations in scope: matches end
/// tags to start tags, and tells for each element which namespace its name is in.
///
/// Names and namespace URIs are kept as bytes, back to back in one array, and dropped with their
/// element by moving the end of the part in use, so an element costs a copy of its name and no
/// allocation once the array has grown to the document's depth.
struct XMLElementStack {
    /// A newly opened element.
    struct Opened {
        /// 1 for the root.
        var depth: Int
        /// The local name, as offsets in the scanner's buffer.
        var localName: Range<Int>
        /// Whether the name is in an auth.017 namespace: the one thing FIRDS reading needs to know.
        var isAuth017: Bool
    }

    private struct Element {
        /// The name as written, in `storage`; what was stored before it starts at `name.lowerBound`.
        var name: Range<Int>
        var line: Int
        /// How many bindings were in scope before this element's own.
        var outerBindings: Int
        /// Index in `bindings` of the namespace of the name; nil for none.
        var namespace: Int?
    }

    private struct Binding {
        /// Empty for the default namespace.
        var prefix: Range<Int>
        var uri: Range<Int>
        var isAuth017: Bool
    }

    /// Deeper than any real document, low enough that the stack stays small.
    static let maxDepth = 1000

    /// The most bytes of names and URIs held for the open elements.
    let limit: Int
    private var storage: [UInt8] = []
    /// How much of `storage` is in use; what is after it is left over from closed elements.
    private var stored = 0
    private var elements: [Element] = []
    private var bindings: [Binding] = []
    /// The root element has been closed: the document is over but for comments.
    private(set) var rootClosed = false

    init(limit: Int) {
        self.limit = limit
    }

    var depth: Int { elements.count }

    /// Opens the element of the start tag the scanner just read, whose name is `input[name]`.
    mutating func open(_ name: Range<Int>, in input: UnsafeBufferPointer<UInt8>, scanner: XMLScanner) throws(FIRDSError) -> Opened {
        guard !rootClosed else {
            throw scanner.failureAtToken(.malformed("a second root element <\(Self.text(input, name))>"))
        }
        guard elements.count < Self.maxDepth else { throw scanner.failureAtToken(.tooDeep(limit: Self.maxDepth)) }
        let mark = stored
        let outerBindings = bindings.count
        store(UnsafeBufferPointer(rebasing: input[name]))
        let storedName = mark..<stored
        if !scanner.attributes.isEmpty {
            for attribute in scanner.attributes {
                try declare(attribute, in: input, scanner: scanner)
            }
        }
        guard stored <= limit else {
            throw scanner.failureAtToken(.tooLong("the names and namespaces of the open elements", limit: limit))
        }

        // prefix:local, or local alone.
        var colon: Int?
        for i in name where input[i] == UInt8(ascii: ":") {
            guard colon == nil, i > name.lowerBound, i < name.upperBound - 1 else {
                throw scanner.failureAtToken(.malformed("<\(Self.text(input, name))> is not a valid element name"))
            }
            colon = i
        }
        let prefixLength = colon.map { $0 - name.lowerBound } ?? 0
        let namespace = lookUp(prefix: mark..<mark + prefixLength)
        if namespace == nil, prefixLength > 0 {
            let prefix = UnsafeBufferPointer(rebasing: input[name.lowerBound..<name.lowerBound + prefixLength])
            // `xml:` is bound by definition; FIRDS has no use for it.
            if !XMLNames.matches(prefix, "xml") {
                throw scanner.failureAtToken(.undeclaredPrefix(String(decoding: prefix, as: UTF8.self)))
            }
        }
        elements.append(Element(name: storedName, line: scanner.tokenLine, outerBindings: outerBindings, namespace: namespace))
        let localStart = colon.map { $0 + 1 } ?? name.lowerBound
        return Opened(
            depth: elements.count, localName: localStart..<name.upperBound,
            isAuth017: namespace.map { bindings[$0].isAuth017 } ?? false)
    }

    /// Closes the innermost element with the end tag `input[name]`, which must name it.
    mutating func close(_ name: Range<Int>, in input: UnsafeBufferPointer<UInt8>, scanner: XMLScanner) throws(FIRDSError) {
        guard let element = elements.last else {
            throw scanner.failureAtToken(.malformed("end tag </\(Self.text(input, name))> closes no element"))
        }
        let same = storage.withUnsafeBufferPointer { storage in
            XMLNames.equal(UnsafeBufferPointer(rebasing: storage[element.name]), UnsafeBufferPointer(rebasing: input[name]))
        }
        guard same else {
            throw scanner.failureAtToken(.mismatchedEndTag(
                expected: storedText(element.name), openedAt: element.line, found: Self.text(input, name)))
        }
        closeInnermost()
    }

    /// Closes the innermost element: for a self-closing tag, which needs no matching.
    mutating func closeInnermost() {
        guard let element = elements.popLast() else { return }
        if bindings.count > element.outerBindings { bindings.removeSubrange(element.outerBindings...) }
        stored = element.name.lowerBound
        if elements.isEmpty { rootClosed = true }
    }

    /// The innermost open element, as written, and its line; nil when none is open.
    var innermost: (name: String, line: Int)? {
        elements.last.map { (storedText($0.name), $0.line) }
    }

    /// The namespace URI of the innermost element; nil for none.
    var innermostNamespace: String? {
        guard let namespace = elements.last?.namespace else { return nil }
        return storedText(bindings[namespace].uri)
    }

    // MARK: - Namespaces

    /// Binds a prefix (`xmlns:p="…"`) or the default namespace (`xmlns="…"`), for this element and
    /// those inside it. `xmlns=""` undoes a default namespace.
    private mutating func declare(_ attribute: XMLAttribute, in input: UnsafeBufferPointer<UInt8>, scanner: XMLScanner) throws(FIRDSError) {
        let name = UnsafeBufferPointer(rebasing: input[attribute.name])
        let prefixLength: Int
        if XMLNames.matches(name, "xmlns") {
            prefixLength = 0
        } else if XMLNames.hasPrefix(name, "xmlns:"), name.count > 6 {
            prefixLength = name.count - 6
        } else {
            return
        }
        let prefixStart = stored
        store(UnsafeBufferPointer(rebasing: name[(name.count - prefixLength)...]))
        let uriStart = stored
        if attribute.hasReference {
            do {
                try XMLReferences.decode(input, attribute.value).withUnsafeBufferPointer { store($0) }
            } catch {
                throw scanner.failureAtToken(error.kind)
            }
        } else {
            store(UnsafeBufferPointer(rebasing: input[attribute.value]))
        }
        let uri = uriStart..<stored
        let isAuth017 = storage.withUnsafeBufferPointer { XMLNames.isAuth017(UnsafeBufferPointer(rebasing: $0[uri])) }
        bindings.append(Binding(prefix: prefixStart..<uriStart, uri: uri, isAuth017: isAuth017))
    }

    /// The binding in scope for the prefix `storage[prefix]` (empty: the default namespace); nil when
    /// there is none, or the default namespace was undone.
    private func lookUp(prefix: Range<Int>) -> Int? {
        storage.withUnsafeBufferPointer { storage in
            let wanted = UnsafeBufferPointer(rebasing: storage[prefix])
            for index in bindings.indices.reversed() {
                let binding = bindings[index]
                guard XMLNames.equal(UnsafeBufferPointer(rebasing: storage[binding.prefix]), wanted) else { continue }
                return binding.uri.isEmpty ? nil : index
            }
            return nil
        }
    }

    /// Appends `bytes` to the part of `storage` in use.
    private mutating func store(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        let end = stored + bytes.count
        if end > storage.count { storage.append(contentsOf: repeatElement(0, count: end - storage.count)) }
        let start = stored
        storage.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: start).update(from: source, count: bytes.count) }
        stored = end
    }

    private func storedText(_ range: Range<Int>) -> String {
        storage.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    private static func text(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: input[range]), as: UTF8.self)
    }
}
