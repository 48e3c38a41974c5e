import Testing
@testable import SynapseCore

/// Expects the standard error of a stopped process to contain `fragment`.
private func expectMessage(_ result: ExitTest.Result?, contains fragment: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(message.contains(fragment), "stderr was: \(message)", sourceLocation: sourceLocation)
}

/// Programmer errors stop the process with a message that names the op and the
/// shapes or dtypes involved (each case runs in its own process).
@Suite("Error messages name the op and its operands")
struct ErrorMessageTests {
    @Test("matmul of incompatible matrices names both shapes")
    func matmulShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        }
        expectMessage(result, contains: "matmul: cannot multiply [2, 3] by [4, 5]")
    }

    @Test("matmul with a transpose flag marks the transposed operand")
    func matmulTransposed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 3]), transposeA: true)
        }
        expectMessage(result, contains: "matmul: cannot multiply [2, 3]ᵀ by [4, 3]")
    }

    @Test("adding shapes that do not broadcast names both shapes")
    func addShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
        expectMessage(result, contains: "add: shapes [2, 3] and [4] cannot be broadcast together")
    }

    @Test("a float op on an int32 tensor names the op and the dtype")
    func floatOpOnIntegers() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(int32: [1, 2]).exp()
        }
        expectMessage(result, contains: "exp: expected a float32 or float64 tensor, got int32")
    }

    @Test("arithmetic on a bool mask names the dtype")
    func arithmeticOnBool() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(bool: [true]) * Tensor([1])
        }
        expectMessage(result, contains: "multiply: expected a float32 or float64 tensor, got bool")
    }

    @Test("comparing different dtypes asks for an explicit conversion")
    func comparisonDTypes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(int32: [1]) .== Tensor([1])
        }
        expectMessage(result, contains: "equal: operands have different dtypes (int32 and float32)")
    }

    @Test("reshape to a different element count names both shapes")
    func reshapeCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped(to: [4, 2])
        }
        expectMessage(result, contains: "reshape: cannot reshape [2, 3] (6 elements) to [4, 2]")
    }

    @Test("an axis out of range names the op and the rank")
    func axisOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).sum(alongAxis: 2)
        }
        expectMessage(result, contains: "sum: axis 2 is out of range for a tensor of rank 2")
    }

    @Test("an index out of range names the axis and its size")
    func subscriptOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 2])[.all, 5]
        }
        expectMessage(result, contains: "subscript: index 5 is out of range for axis 1 of size 2 in [3, 2]")
    }

    @Test("gather stops on an index outside the axis")
    func gatherOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 2]).gather(Tensor(int32: [0, 7]))
        }
        expectMessage(result, contains: "gather: index 7 at position 1 is out of range for an axis of size 3")
    }

    @Test("concatenate names the mismatching shapes")
    func concatenateShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.concatenate([Tensor.zeros([2, 3]), Tensor.zeros([2, 4])], axis: 0)
        }
        expectMessage(result, contains: "concatenate: cannot join [2, 3] float32 and [2, 4] float32 along axis 0")
    }

    @Test("too few values for a shape")
    func valueCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2, 3], shape: [2, 2])
        }
        expectMessage(result, contains: "Tensor: 3 values cannot fill shape [2, 2]")
    }

    @Test("only floating-point tensors can require gradients")
    func integerRequiresGrad() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(int32: [1]).requiringGrad()
        }
        expectMessage(result, contains: "requiresGrad: only float32 and float64 tensors can require gradients, this one is int32")
    }

    @Test("a second backward through a freed graph says so")
    func backwardTwice() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1, 2]).requiringGrad()
            let loss = (x * x).sum()
            loss.backward()
            loss.backward()
        }
        expectMessage(result, contains: "was already freed by an earlier backward()")
    }

    @Test("backward on a tensor outside the graph explains what is missing")
    func backwardWithoutGraph() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor([1]).backward()
        }
        expectMessage(result, contains: "backward: this tensor does not require grad")
    }

    @Test("backward from a non-scalar needs a seed")
    func backwardNeedsSeed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            (Tensor([1, 2]).requiringGrad() * 2).backward()
        }
        expectMessage(result, contains: "backward: a seed gradient is needed for a non-scalar tensor of shape [2]")
    }

    @Test("reading float scalars of an int32 tensor points to the right accessor")
    func wrongAccessor() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(int32: [1]).scalars
        }
        expectMessage(result, contains: "scalars: expected a float32 tensor, got int32; use doubleScalars, intScalars")
    }

    @Test("where needs a bool condition")
    func whereCondition() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.where(Tensor([1]), Tensor([1]), Tensor([2]))
        }
        expectMessage(result, contains: "where (condition): expected a bool tensor, got float32")
    }
}
