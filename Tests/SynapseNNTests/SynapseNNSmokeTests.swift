import Testing
@testable import SynapseNN

@Test("SynapseNN builds and links")
func SynapseNNLinks() {
    #expect(Tensor.ones([2]).sum().item == 2)
}
