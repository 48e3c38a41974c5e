import Testing
@testable import SynapseData

@Test("SynapseData builds and links")
func SynapseDataLinks() {
    #expect(Tensor.ones([2]).sum().item == 2)
}
