import Testing
@testable import SynapseCore

@Suite("Tensor creation")
struct TensorCreationTests {
    @Test("zeros has the requested shape")
    func zeros() {
        #expect(Tensor.zeros([2, 3]).shape == [2, 3])
    }
}
