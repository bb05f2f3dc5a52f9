import CPKCS11

/// A Cryptoki call that failed, with its result code, so a lost session can be told apart from a
/// refusal. It never leaves this folder: `PKCS11Token` turns it into a `KeyWrapperError`.
struct PKCS11Failure: Error {
    var result: CK_RV
    var call: String
}

/// One open session. Cryptoki sessions are not thread-safe: a session is only used on its lane's
/// queue (see `PKCS11Token`).
struct PKCS11Session {
    let handle: CK_SESSION_HANDLE
    let functions: UnsafeMutablePointer<CK_FUNCTION_LIST>

    /// An attribute of a template, before it is laid out in memory for the call.
    enum Value {
        case bool(Bool)
        case number(CK_ULONG)
        case bytes([UInt8])

        var bytes: [UInt8] {
            switch self {
            case .bool(let flag): [flag ? 1 : 0]
            case .number(let number): withUnsafeBytes(of: number) { Array($0) }
            case .bytes(let bytes): bytes
            }
        }
    }

    func check(_ result: CK_RV, _ call: String) throws {
        guard result != CK_RV(CKR_OK) else { return }
        throw PKCS11Failure(result: result, call: call)
    }

    /// The token's AES secret keys whose label starts with `prefix`, by label.
    func secretKeys(labelledWith prefix: String) throws -> [String: CK_OBJECT_HANDLE] {
        var found: [String: CK_OBJECT_HANDLE] = [:]
        for handle in try find([(CK_ATTRIBUTE_TYPE(CKA_CLASS), .number(CK_ULONG(CKO_SECRET_KEY)))]) {
            guard let label = try? text(CK_ATTRIBUTE_TYPE(CKA_LABEL), of: handle), label.hasPrefix(prefix) else { continue }
            found[label] = handle
        }
        return found
    }

    func find(_ attributes: [(CK_ATTRIBUTE_TYPE, Value)]) throws -> [CK_OBJECT_HANDLE] {
        try Self.withTemplate(attributes) { template, count in
            try check(functions.pointee.C_FindObjectsInit!(handle, template, count), "C_FindObjectsInit")
        }
        defer { _ = functions.pointee.C_FindObjectsFinal!(handle) }
        var handles: [CK_OBJECT_HANDLE] = []
        var batch = [CK_OBJECT_HANDLE](repeating: 0, count: 32)
        while true {
            var count: CK_ULONG = 0
            try check(functions.pointee.C_FindObjects!(handle, &batch, CK_ULONG(batch.count), &count), "C_FindObjects")
            handles += batch.prefix(Int(count))
            if count == 0 { return handles }
        }
    }

    /// Makes an AES-256 key with `attributes` (the token decides the value).
    func generateAESKey(_ attributes: [(CK_ATTRIBUTE_TYPE, Value)]) throws -> CK_OBJECT_HANDLE {
        var mechanism = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(CKM_AES_KEY_GEN), pParameter: nil, ulParameterLen: 0)
        var key: CK_OBJECT_HANDLE = 0
        try Self.withTemplate(attributes) { template, count in
            try check(functions.pointee.C_GenerateKey!(handle, &mechanism, template, count, &key), "C_GenerateKey")
        }
        return key
    }

    /// Makes an object whose value the caller gives (used by known-answer tests only).
    func createObject(_ attributes: [(CK_ATTRIBUTE_TYPE, Value)]) throws -> CK_OBJECT_HANDLE {
        var object: CK_OBJECT_HANDLE = 0
        try Self.withTemplate(attributes) { template, count in
            try check(functions.pointee.C_CreateObject!(handle, template, count, &object), "C_CreateObject")
        }
        return object
    }

    func destroy(_ object: CK_OBJECT_HANDLE) throws {
        try check(functions.pointee.C_DestroyObject!(handle, object), "C_DestroyObject")
    }

    /// A boolean attribute, or nil when the token will not say.
    func flag(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) -> Bool? {
        guard let bytes = try? value(type, of: object), bytes.count == 1 else { return nil }
        return bytes[0] != 0
    }

    func text(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws -> String {
        String(decoding: try value(type, of: object), as: UTF8.self)
    }

    /// An attribute's raw value; throws `CKR_ATTRIBUTE_SENSITIVE` for a secret the token keeps.
    func value(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws -> [UInt8] {
        var attribute = CK_ATTRIBUTE(type: type, pValue: nil, ulValueLen: 0)
        try check(functions.pointee.C_GetAttributeValue!(handle, object, &attribute, 1), "C_GetAttributeValue")
        guard attribute.ulValueLen != CK_ULONG.max else { throw PKCS11Failure(result: CK_RV(CKR_ATTRIBUTE_SENSITIVE), call: "C_GetAttributeValue") }
        var bytes = [UInt8](repeating: 0, count: Int(attribute.ulValueLen))
        try bytes.withUnsafeMutableBytes { buffer in
            attribute.pValue = buffer.baseAddress
            try check(functions.pointee.C_GetAttributeValue!(handle, object, &attribute, 1), "C_GetAttributeValue")
        }
        return Array(bytes.prefix(Int(attribute.ulValueLen)))
    }

    /// AES-GCM inside the token (`CKM_AES_GCM`, 128-bit tag): returns the nonce the token used
    /// (some tokens choose their own and write it back) and the ciphertext followed by the tag.
    func encrypt(_ plaintext: [UInt8], key: CK_OBJECT_HANDLE, nonce: [UInt8], aad: [UInt8]) throws -> (nonce: [UInt8], sealed: [UInt8]) {
        var iv = nonce
        var sealed = [UInt8](repeating: 0, count: plaintext.count + 16)
        var length = CK_ULONG(sealed.count)
        try withGCM(key: key, iv: &iv, aad: aad, initialise: functions.pointee.C_EncryptInit!, name: "C_EncryptInit")
        var input = plaintext
        try check(functions.pointee.C_Encrypt!(handle, &input, CK_ULONG(input.count), &sealed, &length), "C_Encrypt")
        return (iv, Array(sealed.prefix(Int(length))))
    }

    func decrypt(_ sealed: [UInt8], key: CK_OBJECT_HANDLE, nonce: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        var iv = nonce
        var plaintext = [UInt8](repeating: 0, count: max(sealed.count, 1))
        var length = CK_ULONG(plaintext.count)
        try withGCM(key: key, iv: &iv, aad: aad, initialise: functions.pointee.C_DecryptInit!, name: "C_DecryptInit")
        var input = sealed
        try check(functions.pointee.C_Decrypt!(handle, &input, CK_ULONG(input.count), &plaintext, &length), "C_Decrypt")
        return Array(plaintext.prefix(Int(length)))
    }

    private func withGCM(
        key: CK_OBJECT_HANDLE, iv: inout [UInt8], aad: [UInt8], initialise: (CK_SESSION_HANDLE, UnsafeMutablePointer<CK_MECHANISM>?, CK_OBJECT_HANDLE) -> CK_RV, name: String
    ) throws {
        var aad = aad
        try iv.withUnsafeMutableBufferPointer { ivBuffer in
            try aad.withUnsafeMutableBufferPointer { aadBuffer in
                var parameters = CK_GCM_PARAMS(
                    pIv: ivBuffer.baseAddress, ulIvLen: CK_ULONG(ivBuffer.count), ulIvBits: CK_ULONG(ivBuffer.count * 8),
                    pAAD: aadBuffer.baseAddress, ulAADLen: CK_ULONG(aadBuffer.count), ulTagBits: 128)
                try withUnsafeMutablePointer(to: &parameters) { pointer in
                    var mechanism = CK_MECHANISM(
                        mechanism: CK_MECHANISM_TYPE(CKM_AES_GCM), pParameter: UnsafeMutableRawPointer(pointer),
                        ulParameterLen: CK_ULONG(MemoryLayout<CK_GCM_PARAMS>.size))
                    try check(initialise(handle, &mechanism, key), name)
                }
            }
        }
    }

    /// Lays a template out in memory for the length of one call.
    static func withTemplate<R>(
        _ attributes: [(CK_ATTRIBUTE_TYPE, Value)], _ body: (UnsafeMutablePointer<CK_ATTRIBUTE>, CK_ULONG) throws -> R
    ) throws -> R {
        let values = attributes.map { $0.1.bytes }
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        var template: [CK_ATTRIBUTE] = []
        for (index, attribute) in attributes.enumerated() {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(values[index].count, 1), alignment: 8)
            buffers.append(buffer)
            buffer.copyBytes(from: values[index])
            template.append(CK_ATTRIBUTE(type: attribute.0, pValue: buffer.baseAddress, ulValueLen: CK_ULONG(values[index].count)))
        }
        return try template.withUnsafeMutableBufferPointer { try body($0.baseAddress!, CK_ULONG($0.count)) }
    }
}
