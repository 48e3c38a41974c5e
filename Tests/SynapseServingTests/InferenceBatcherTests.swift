import Foundation
import Synchronization
import Testing
@testable import SynapseServing

@Suite("InferenceBatcher runs requests that arrive together in one forward pass")
struct InferenceBatcherTests {
    typealias F = ServingFixtures

    final class BatchLog: Sendable {
        let sizes = Mutex<[Int]>([])
    }

    @Test("Announced requests join one batch; each gets its own rows of the output")
    func oneBatch() async throws {
        let model = try F.classifier()
        let log = BatchLog()
        let batcher = InferenceBatcher(configuration: .init(maxBatchSize: 64, maxWait: .seconds(10))) { _, instances in
            log.sizes.withLock { $0.append(instances) }
        }
        defer { batcher.shutdown() }
        let rows: [[Float]] = (0..<8).map { index in (0..<4).map { Float(index * 4 + $0) / 10 } }
        for _ in rows { batcher.announce(model) }
        let outputs = await withTaskGroup(of: (Int, [Float]).self) { group in
            for (index, row) in rows.enumerated() {
                group.addTask {
                    let input = try! model.makeInputs(PredictRequest(values: row, count: 1, instanceShape: [4], columnar: false))
                    return (index, try! await batcher.submit(input, to: model).get()[0])
                }
            }
            var outputs = [[Float]](repeating: [], count: rows.count)
            for await (index, output) in group { outputs[index] = output }
            return outputs
        }
        #expect(log.sizes.withLock { $0 } == [8], "all eight announced requests share one pass")
        let expected = F.expected(model, rows)
        #expect(outputs.flatMap { $0 } == expected)
    }

    // maxWait is an hour: a batcher that waited for the lone request would run into the
    // time limit. Nothing here reads a clock, so a machine busy with the whole suite
    // cannot make the test fail.
    @Test("A lone request does not wait; batches stop at maxBatchSize", .timeLimit(.minutes(2)))
    func limits() async throws {
        let model = try F.classifier()
        let log = BatchLog()
        let batcher = InferenceBatcher(configuration: .init(maxBatchSize: 3, maxWait: .seconds(3600))) { _, instances in
            log.sizes.withLock { $0.append(instances) }
        }
        defer { batcher.shutdown() }
        batcher.announce(model)
        let input = try model.makeInputs(PredictRequest(values: [1, 2, 3, 4], count: 1, instanceShape: [4], columnar: false))
        let lone = try await batcher.submit(input, to: model).get()
        #expect(lone.count == 1, "the lone request is answered on its own")
        for _ in 0..<5 { batcher.announce(model) }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { _ = await batcher.submit(input, to: model) } }
        }
        let sizes = log.sizes.withLock { $0 }
        #expect(sizes.first == 1)
        #expect(sizes.dropFirst().allSatisfy { $0 <= 3 } && sizes.dropFirst().reduce(0, +) == 5, "\(sizes)")
    }

    @Test("After shutdown, submissions are answered 503")
    func shutdown() async throws {
        let model = try F.classifier()
        let batcher = InferenceBatcher()
        batcher.shutdown()
        batcher.announce(model)
        let input = try model.makeInputs(PredictRequest(values: [1, 2, 3, 4], count: 1, instanceShape: [4], columnar: false))
        let outcome = await batcher.submit(input, to: model)
        #expect(throws: ServingError.self) { try outcome.get() }
        if case .failure(let error) = outcome { #expect(error.status == .serviceUnavailable) }
    }
}
