// SynapseData: CSV loading, feature scaling, splits, datasets and batching.
// Users of SynapseData get Tensor and RandomGenerator without a second import.
@_exported import SynapseCore
