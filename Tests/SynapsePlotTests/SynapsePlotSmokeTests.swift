import Testing
@testable import SynapsePlot

@Test("SynapsePlot builds and links")
func synapsePlotLinks() {
    #expect(!Zlib.version.isEmpty)
}
