/// The dependency edges of a DAG's tasks, by declaration index.
///
/// Built leniently so it works on definitions that do not validate: a repeated task id counts
/// once (its first declaration), unknown dependencies and self-dependencies are left out (both
/// are reported by `validate()` on their own).
struct DependencyGraph {
    /// Task ids in declaration order, each once.
    let ids: [String]
    /// `upstream[i]`: the tasks task `i` depends on, in the order written.
    let upstream: [[Int]]
    /// `downstream[i]`: the tasks that depend on task `i`, in declaration order.
    let downstream: [[Int]]
    let index: [String: Int]

    init(_ tasks: [TaskDefinition]) {
        var firsts: [TaskDefinition] = []
        var index: [String: Int] = [:]
        for task in tasks where index[task.id] == nil {
            index[task.id] = firsts.count
            firsts.append(task)
        }
        var upstream = Array(repeating: [Int](), count: firsts.count)
        var downstream = Array(repeating: [Int](), count: firsts.count)
        for (i, task) in firsts.enumerated() {
            for dependency in task.dependsOn {
                guard let j = index[dependency], j != i, !upstream[i].contains(j) else { continue }
                upstream[i].append(j)
                downstream[j].append(i)
            }
        }
        self.ids = firsts.map(\.id)
        self.index = index
        self.upstream = upstream
        self.downstream = downstream.map { $0.sorted() }
    }

    /// Kahn's algorithm; among the tasks ready at once, the one declared first goes first.
    /// Tasks caught in (or behind) a cycle are not in the result.
    func sortedIndices() -> [Int] {
        var remaining = upstream.map(\.count)
        // Kept sorted descending so `popLast()` yields the earliest declared ready task.
        var ready = remaining.indices.filter { remaining[$0] == 0 }.reversed().map { $0 }
        var order: [Int] = []
        order.reserveCapacity(ids.count)
        while let next = ready.popLast() {
            order.append(next)
            for child in downstream[next] {
                remaining[child] -= 1
                if remaining[child] == 0 { insertDescending(child, into: &ready) }
            }
        }
        return order
    }

    /// One cycle per group of tasks that loops, each as task indices in dependency-flow order
    /// (every task depends on the one before it, the first on the last), starting with the task
    /// declared first. Deterministic: depends only on declaration order.
    func cycles() -> [[Int]] {
        let sorted = Set(sortedIndices())
        var visited = Set<Int>()
        var found: [[Int]] = []
        for start in ids.indices where !sorted.contains(start) && !visited.contains(start) {
            if let cycle = walkToCycle(from: start, avoiding: sorted, visited: &visited) {
                found.append(cycle)
            }
        }
        return found
    }

    /// Follows first-written dependencies among unsorted tasks; each of them has one, so the walk
    /// must come back to a task it has seen. Returns the loop if this walk closed it.
    private func walkToCycle(from start: Int, avoiding sorted: Set<Int>, visited: inout Set<Int>) -> [Int]? {
        var path: [Int] = []
        var position: [Int: Int] = [:]
        var current = start
        while !visited.contains(current) {
            visited.insert(current)
            position[current] = path.count
            path.append(current)
            guard let next = upstream[current].first(where: { !sorted.contains($0) }) else { return nil }
            current = next
        }
        guard let loopStart = position[current] else { return nil }
        // `path` runs against the flow (each depends on the next); reverse it, then rotate.
        let flow = Array(path[loopStart...].reversed())
        guard let first = flow.min(), let offset = flow.firstIndex(of: first) else { return nil }
        return Array(flow[offset...] + flow[..<offset])
    }

    private func insertDescending(_ value: Int, into array: inout [Int]) {
        var low = 0, high = array.count
        while low < high {
            let mid = (low + high) / 2
            if array[mid] > value { low = mid + 1 } else { high = mid }
        }
        array.insert(value, at: low)
    }
}
