import CPKCS11
import Foundation
import Synchronization

/// A PKCS#11 module loaded with `dlopen` and initialised once for the life of the process.
///
/// Cryptoki allows one `C_Initialize` per process and module, so modules are kept in a registry by
/// path and never finalised. The function list is read-only after loading, and the module is
/// initialised with `CKF_OS_LOCKING_OK`, so calls on different sessions may run on any thread.
final class PKCS11Module: @unchecked Sendable {
    let path: String
    let functions: UnsafeMutablePointer<CK_FUNCTION_LIST>

    private init(path: String, functions: UnsafeMutablePointer<CK_FUNCTION_LIST>) {
        self.path = path
        self.functions = functions
    }

    private static let loaded = Mutex<[String: PKCS11Module]>([:])

    /// The module at `path`, loaded and initialised on first use.
    static func named(_ path: String) throws -> PKCS11Module {
        try loaded.withLock { modules in
            if let module = modules[path] { return module }
            let module = try load(path)
            modules[path] = module
            return module
        }
    }

    private static func load(_ path: String) throws -> PKCS11Module {
        guard FileManager.default.fileExists(atPath: path) else {
            throw KeyWrapperError(.module, "no PKCS#11 module at \(path) (for SoftHSM2: `dpkg -L softhsm2 | grep libsofthsm2.so`)")
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw KeyWrapperError(.module, "cannot load the PKCS#11 module \(path): \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(handle, "C_GetFunctionList") else {
            throw KeyWrapperError(.module, "\(path) is not a PKCS#11 module: it has no C_GetFunctionList")
        }
        let getFunctionList = unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<CK_FUNCTION_LIST>?>?) -> CK_RV).self)
        var list: UnsafeMutablePointer<CK_FUNCTION_LIST>?
        try PKCS11Result.check(getFunctionList(&list), "C_GetFunctionList", module: path)
        guard let list else { throw KeyWrapperError(.module, "\(path) returned no function list") }
        var arguments = CK_C_INITIALIZE_ARGS()
        arguments.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
        let initialised = withUnsafeMutablePointer(to: &arguments) { list.pointee.C_Initialize!($0) }
        if initialised != CK_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            try PKCS11Result.check(initialised, "C_Initialize", module: path)
        }
        return PKCS11Module(path: path, functions: list)
    }

    /// The library's own description, as `C_GetInfo` gives it.
    func info() throws -> String {
        var info = CK_INFO()
        try PKCS11Result.check(functions.pointee.C_GetInfo!(&info), "C_GetInfo", module: path)
        let maker = PKCS11Text.fixed(info.manufacturerID)
        let library = PKCS11Text.fixed(info.libraryDescription)
        return "\(library) \(info.libraryVersion.major).\(info.libraryVersion.minor) by \(maker)"
    }

    /// The slot holding the token labelled `label`.
    func slot(token label: String) throws -> CK_SLOT_ID {
        var count: CK_ULONG = 0
        try PKCS11Result.check(functions.pointee.C_GetSlotList!(CK_BBOOL(CK_TRUE), nil, &count), "C_GetSlotList", module: path)
        var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
        try PKCS11Result.check(functions.pointee.C_GetSlotList!(CK_BBOOL(CK_TRUE), &slots, &count), "C_GetSlotList", module: path)
        var labels: [String] = []
        for slot in slots.prefix(Int(count)) {
            var token = CK_TOKEN_INFO()
            guard functions.pointee.C_GetTokenInfo!(slot, &token) == CK_RV(CKR_OK) else { continue }
            let found = PKCS11Text.fixed(token.label)
            if found == label { return slot }
            labels.append(found)
        }
        let known = labels.isEmpty ? "it has no initialised token" : "its tokens are " + labels.map { "\"\($0)\"" }.joined(separator: ", ")
        throw KeyWrapperError(.tokenNotFound, "no token labelled \"\(label)\" in \(path); \(known)")
    }
}

/// Cryptoki's fixed-width, blank-padded text fields.
enum PKCS11Text {
    static func fixed<T>(_ field: T) -> String {
        withUnsafeBytes(of: field) { bytes in
            String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
        }
    }
}
