import Synapse

Random.seed(42)
// 768 patients: features [768, 8] and labels [768, 1] (1 = diabetes
// within five years).
let (features, labels) = try PimaDiabetes.load()
