// SynapsePlot: see the module overview in README.md.
@_exported import SynapseIO
