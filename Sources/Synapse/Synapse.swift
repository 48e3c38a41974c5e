// The umbrella module: `import Synapse` brings in every Synapse module.
@_exported import SynapseCore
@_exported import SynapseIO
@_exported import SynapseData
@_exported import SynapsePlot
@_exported import SynapseNN
@_exported import SynapseTraining
@_exported import SynapseExplain
@_exported import SynapseTensorBoard
@_exported import SynapseONNX
@_exported import SynapseDistributed
