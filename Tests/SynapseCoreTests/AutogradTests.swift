import Foundation
import Testing
@testable import SynapseCore

@Suite("Autograd: backward, grad accumulation, no-grad scopes, valueAndGradient")
struct AutogradTests {
    @Test("backward fills the gradient of every leaf")
    func basicBackward() throws {
        let w = Tensor([1, 2, 3]).requiringGrad()
        let b = Tensor(Float(0.5)).requiringGrad()
        let x = Tensor([2, -1, 4])
        ((w * x).sum() + b * b).backward()
        expectClose(try #require(w.grad), [2, -1, 4])
        expectClose(try #require(b.grad), [1], shape: [])
        #expect(x.grad == nil)
    }

    @Test("gradients accumulate across two backward() calls until zeroGrad")
    func accumulation() throws {
        let w = Tensor([1, -2]).requiringGrad()
        (w * w).sum().backward()
        (w * 3).sum().backward()
        expectClose(try #require(w.grad), [2 + 3, -4 + 3])
        w.zeroGrad()
        #expect(w.grad == nil)
        (w * 3).sum().backward()
        expectClose(try #require(w.grad), [3, 3])
    }

    @Test("a non-scalar output takes a seed gradient of its shape")
    func seededBackward() throws {
        let x = Tensor([1, 2, 3]).requiringGrad()
        (x * x).backward(Tensor([1, 0, -1]))
        expectClose(try #require(x.grad), [2, 0, -6])
    }

    @Test("a diamond-shaped graph sums both paths")
    func diamond() throws {
        let a = Tensor([1.5, -0.5]).requiringGrad()
        let shared = a.exp()
        (shared * a + shared.sin()).sum().backward()
        // d/da [eᵃ·a + sin(eᵃ)] = eᵃ·a + eᵃ + cos(eᵃ)·eᵃ
        let expected = [Float(1.5), -0.5].map { x -> Float in
            let e = exp(x)
            return e * x + e + cos(e) * e
        }
        expectClose(try #require(a.grad), expected, absolute: 1e-5, relative: 1e-5)
        GradientCheck.expectGradientsMatch(at: uniformTensor([2, 3], seed: 91)) { a in
            let shared = a.exp()
            return shared * a + shared.sin()
        }
    }

    @Test("detached tensors stop the gradient")
    func detach() throws {
        let x = Tensor([2, 3]).requiringGrad()
        let frozen = x.detached()
        #expect(!frozen.requiresGrad && frozen.scalars == [2, 3])
        (x * frozen).sum().backward()
        expectClose(try #require(x.grad), [2, 3])   // not 2x: the detached factor is a constant
    }

    @Test("leaves, op results and requiresGrad")
    func leafBookkeeping() {
        let x = Tensor([1]).requiringGrad()
        #expect(x.isLeaf && x.requiresGrad)
        let y = x * 2
        #expect(y.requiresGrad && !y.isLeaf && y.grad == nil)
        var z = y
        z.requiresGrad = true   // a fresh leaf cut from the graph
        #expect(z.isLeaf)
        z.requiresGrad = false
        #expect(!z.requiresGrad)
        #expect(Tensor([1]).isLeaf && !Tensor([1]).requiresGrad)
        #expect(!(Tensor([1]) * Tensor([2])).requiresGrad)
    }

    @Test("setGrad replaces a leaf's gradient")
    func setGrad() throws {
        let w = Tensor([1, 2]).requiringGrad()
        w.setGrad(Tensor([5, 6]))
        expectClose(try #require(w.grad), [5, 6])
        (w * 1).sum().backward()
        expectClose(try #require(w.grad), [6, 7])
        w.setGrad(nil)
        #expect(w.grad == nil)
    }

    @Test("withoutGradient records nothing; withGradient switches recording back on")
    func noGradScope() {
        let x = Tensor([1, 2]).requiringGrad()
        #expect(GradientMode.isEnabled)
        let inside = withoutGradient { (x * 2).exp().sum() }
        #expect(!inside.requiresGrad)
        withoutGradient {
            #expect(!GradientMode.isEnabled)
            #expect(withGradient { (x * 2).requiresGrad })
            #expect(!(x + 1).requiresGrad)
        }
        #expect(GradientMode.isEnabled && (x * 2).requiresGrad)
    }

    @Test("a no-grad scope on one thread does not stop another thread from recording")
    func noGradScopeIsPerThread() {
        final class Results: @unchecked Sendable {
            var insideScope = true, otherThread = false, otherThreadMode = false
        }
        let x = Tensor([1, 2]).requiringGrad()
        let results = Results()
        let scopeEntered = DispatchSemaphore(value: 0)
        let otherRecorded = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            withoutGradient {
                scopeEntered.signal()
                otherRecorded.wait()   // hold the scope open while the other thread records
                results.insideScope = (x * 2).requiresGrad
            }
            finished.signal()
        }.start()
        Thread {
            scopeEntered.wait()
            results.otherThreadMode = GradientMode.isEnabled
            results.otherThread = (x * 2).requiresGrad
            otherRecorded.signal()
            finished.signal()
        }.start()
        finished.wait()
        finished.wait()
        #expect(!results.insideScope)
        #expect(results.otherThread)
        #expect(results.otherThreadMode)
    }

    @Test("a task outside a no-grad scope keeps recording")
    func noGradScopeIsPerTask() async {
        let x = Tensor([1, 2]).requiringGrad()
        let outside = Task.detached { (x * 2).requiresGrad }
        let inside = withoutGradient { Task { (x * 2).requiresGrad } }
        #expect(await outside.value)
        #expect(await inside.value == false)   // a task inherits its creator's scope
    }

    @Test("valueAndGradient returns gradients without touching .grad")
    func functionalGradients() throws {
        let w = Tensor([1, 2]).requiringGrad()
        w.setGrad(Tensor([10, 10]))
        let (value, gradients) = valueAndGradient(at: [w, Tensor([3, 4])]) { p in (p[0] * p[1]).sum() }
        expectClose(value, [11], shape: [])
        #expect(!value.requiresGrad)
        expectClose(gradients[0], [3, 4])
        expectClose(gradients[1], [1, 2])
        expectClose(try #require(w.grad), [10, 10])
        // Inputs that do not affect the value get zeros.
        let (_, unused) = valueAndGradient(at: Tensor([1, 2])) { _ in Tensor([5]).sum() }
        expectClose(unused, [0, 0])
        // Inside a no-grad scope it still differentiates.
        let (_, scoped) = withoutGradient { valueAndGradient(at: Tensor([3])) { $0.square().sum() } }
        expectClose(scoped, [6])
    }

    @Test("gradients(of:withRespectTo:) differentiates by existing leaves without touching .grad")
    func gradientsOfLeaves() {
        let a = Tensor([1, 2]).requiringGrad(), b = Tensor([3]).requiringGrad()
        let loss = (a * b).sum()
        let result = gradients(of: loss, withRespectTo: [a, b])
        expectClose(result[0], [3, 3])
        expectClose(result[1], [3])
        #expect(a.grad == nil && b.grad == nil)
    }

    @Test("20,000 chained adds backpropagate without overflowing the stack")
    func deepGraph() throws {
        let x = Tensor([1, 2]).requiringGrad()
        var y = x
        for _ in 0..<20_000 { y = y + x }
        y.sum().backward()
        expectClose(try #require(x.grad), [20_001, 20_001])
    }

    @Test("a deep graph dropped without backward is freed without overflowing the stack")
    func deepGraphRelease() async {
        await #expect(processExitsWith: .success) {
            let x = Tensor([1]).requiringGrad()
            let before = TensorStorage.liveAllocationCount
            do {
                var y = x
                for _ in 0..<100_000 { y = y * 1.0001 }
                _ = y
            }
            if TensorStorage.liveAllocationCount > before + 10 { fatalError("the dropped graph was not freed") }
        }
    }

    @Test("backward frees the graph and the tensors it saved")
    func backwardFreesGraph() async {
        await #expect(processExitsWith: .success) {
            let x = Tensor.ones([100]).requiringGrad()
            let baseline = TensorStorage.liveAllocationCount
            var y = x
            for _ in 0..<50 { y = (y * 1.5).sin() }
            let loss = y.sum()
            let held = TensorStorage.liveAllocationCount - baseline
            loss.backward()
            let kept = TensorStorage.liveAllocationCount - baseline
            // While recorded, each step holds its inputs and outputs; afterwards only
            // the results still referenced (y, loss) and x's gradient remain.
            if held < 100 || kept > 5 { fatalError("held \(held) storages while recorded, \(kept) after backward") }
        }
    }

    @Test("10,000 training steps do not grow live storage")
    func trainingLoopDoesNotLeak() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            var generator = RandomGenerator(seed: 3)
            let x = Tensor.randomNormal([32, 4], generator: &generator)
            let y = x.matmul(Tensor([[1], [2], [-1], [0.5]])) + 0.3
            var w = Tensor.zeros([4, 1]).requiringGrad()
            var b = Tensor.zeros([1]).requiringGrad()
            var liveAfter100 = 0
            for step in 1...10_000 {
                let loss = (x.matmul(w) + b - y).square().mean()
                loss.backward()
                withoutGradient {
                    w = (w - 0.05 * w.grad!).requiringGrad()
                    b = (b - 0.05 * b.grad!).requiringGrad()
                }
                if step == 100 { liveAfter100 = TensorStorage.liveAllocationCount }
            }
            let liveAfter10000 = TensorStorage.liveAllocationCount
            let error = (w - Tensor([[1], [2], [-1], [0.5]])).abs().max().item
            if liveAfter10000 > liveAfter100 || error > 1e-3 || Swift.abs(b.item - 0.3) > 1e-3 {
                fatalError("live storage \(liveAfter100) after 100 steps, \(liveAfter10000) after 10,000; weight error \(error)")
            }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(!message.contains("Fatal error"), "\(message)")
    }
}
