extension DagDefinition {
    /// Task ids in an order that runs every task after the tasks it depends on.
    ///
    /// Kahn's algorithm with declaration order as the tie-break, so the order is stable across
    /// loads and readable (it follows the file where it can). Tasks caught in a cycle, which
    /// `validate()` rejects, come last in declaration order, so every task is listed exactly once.
    public func topologicalOrder() -> [String] {
        let graph = DependencyGraph(tasks)
        let sorted = graph.sortedIndices()
        let placed = Set(sorted)
        let rest = graph.ids.indices.filter { !placed.contains($0) }
        return (sorted + rest).map { graph.ids[$0] }
    }

    /// Every task that depends on `taskID` directly or through other tasks, in topological order;
    /// empty for an unknown task. This is what clearing or re-running "downstream" affects.
    public func downstream(of taskID: String) -> [String] {
        let graph = DependencyGraph(tasks)
        guard let start = graph.index[taskID] else { return [] }
        var reached = Set<Int>()
        var pending = [start]
        while let next = pending.popLast() {
            for child in graph.downstream[next] where reached.insert(child).inserted {
                pending.append(child)
            }
        }
        reached.remove(start)
        let order = topologicalOrder()
        let names = Set(reached.map { graph.ids[$0] })
        return order.filter { names.contains($0) }
    }

    /// One cycle per looping group of tasks, as ids in dependency-flow order starting with the
    /// task declared first: `[a, b, c]` means b depends on a, c on b, and a on c.
    public func dependencyCycles() -> [[String]] {
        let graph = DependencyGraph(tasks)
        return graph.cycles().map { $0.map { graph.ids[$0] } }
    }
}
