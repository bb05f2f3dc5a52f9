import Foundation
import TickerCore

/// The DAGs of a folder that loaded, and the problems of the files that did not.
public struct FolderLoad: Sendable, Hashable {
    /// In file-name order.
    public var dags: [DagDefinition]
    /// Every problem of every rejected file, file by file in file-name order.
    public var problems: [DagFileProblem]

    public init(dags: [DagDefinition] = [], problems: [DagFileProblem] = []) {
        self.dags = dags
        self.problems = problems
    }
}

extension DagFileLoader {
    /// Loads every `*.yaml` and `*.yml` file directly in `folder` (not in subfolders; hidden
    /// files are skipped), in file-name order.
    ///
    /// A bad file is reported and skipped; the others still load. When two files define the same
    /// DAG id, the first in file-name order wins and the later one is rejected with a problem that
    /// names both files, so the DAG already running is not replaced by an accidental copy.
    public func loadFolder(_ folder: URL) -> FolderLoad {
        let files: [URL]
        switch Self.dagFiles(in: folder) {
        case .success(let found): files = found
        case .failure(let problem): return FolderLoad(problems: [problem])
        }
        var load = FolderLoad()
        var owners: [String: FileReading] = [:]
        for file in files {
            var reading = read(file: file)
            if let definition = reading.definition, reading.problems.isEmpty, let owner = owners[definition.id] {
                reading.problems = [Self.duplicateID(definition.id, in: reading, owner: owner)]
            }
            guard let definition = reading.definition, reading.problems.isEmpty else {
                load.problems += reading.problems
                continue
            }
            owners[definition.id] = reading
            load.dags.append(definition)
        }
        return load
    }

    private static func duplicateID(_ id: String, in reading: FileReading, owner: FileReading) -> DagFileProblem {
        let ownerLine = owner.idLocation.map { ":\($0.line)" } ?? ""
        return DagFileProblem(
            file: reading.origin, line: reading.idLocation?.line, column: reading.idLocation?.column, field: "dag",
            message: "DAG id `\(id)` is already defined in \(owner.origin)\(ownerLine); this file is ignored "
                + "(each DAG id may appear in one file only)")
    }

    /// The DAG files of `folder` sorted by name, or a problem saying why the folder is unusable.
    static func dagFiles(in folder: URL) -> Result<[URL], DagFileProblem> {
        let path = folder.relativePath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            return .failure(DagFileProblem(file: path, message: "the DAG folder does not exist"))
        }
        guard isDirectory.boolValue else {
            return .failure(DagFileProblem(file: path, message: "the DAG folder path is a file, not a folder"))
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            return .failure(DagFileProblem(file: path, message: "cannot list the DAG folder: \(error.localizedDescription)"))
        }
        return .success(names
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
            .sorted()
            .map { folder.appendingPathComponent($0) }
            .filter { !isFolder($0) })
    }

    private static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
