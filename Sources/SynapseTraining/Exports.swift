// SynapseTraining builds on the layers, data, plotting and distributed modules; re-export them
// so `import SynapseTraining` is enough to train a model.
@_exported import SynapseCore
@_exported import SynapseNN
@_exported import SynapseData
@_exported import SynapsePlot
@_exported import SynapseDistributed
