import Testing
@testable import SynapseTraining

@Test("SynapseTraining builds and links")
func SynapseTrainingLinks() {
    #expect(Tensor.ones([2]).sum().item == 2)
}
