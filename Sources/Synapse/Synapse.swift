// The umbrella module: `import Synapse` brings in every Synapse module.
@_exported import SynapseCore
@_exported import SynapseIO
