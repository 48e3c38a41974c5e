// W3: one epoch of the Reuters-shaped LSTM classifier.
import Synapse

/// W3: Embedding(10000, 64) → LSTM(64, return sequences) → LSTM(64) → Dense(46,
/// softmax), sequences of 200 token ids, Adam 1e-3, batch 32, 8,982 samples.
///
/// Reports "unavailable" until SynapseNN has `Embedding` and `LSTM`.
func lstmEpoch(_ settings: BenchSettings) {
    reportUnavailable("lstm", reason: "Synapse has no LSTM layer yet")
}
