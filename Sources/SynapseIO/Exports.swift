// SynapseIO reads and writes tensors; re-export the tensor type.
@_exported import SynapseCore
