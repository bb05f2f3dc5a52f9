import Foundation
import ServiceLifecycle
import TickerEngine
import TickerISIN
import TickerStore

extension ISINPipeline {
    /// The pipeline on the data directory's ISIN store and work folder.
    static func open(_ directory: DataDirectory) throws -> ISINPipeline {
        ISINPipeline(store: try directory.openISINStore(), workDirectory: directory.isinWorkURL)
    }
}

extension OperatorRegistry {
    /// The built-in operators plus the ISIN pipeline's.
    static func ticker(isin: ISINPipeline) -> OperatorRegistry {
        var registry = OperatorRegistry.builtIn
        ISINOperators.register(in: &registry, pipeline: isin)
        return registry
    }
}

