/// Optimizers by their Keras string names, for `compile(optimizer: "adam")`.
public enum Optimizers {
    /// The names ``named(_:)`` accepts.
    public static let names = ["sgd", "adam", "adamw", "rmsprop", "adagrad"]

    /// A new optimizer with default hyper-parameters (Keras' defaults) and no
    /// parameters yet, or `nil` for an unknown name.
    ///
    /// - Parameter name: "sgd", "adam", "adamw", "rmsprop" or "adagrad" (any case,
    ///   so Keras' class names such as "Adam" and "SGD" work too).
    ///
    /// ```swift
    /// let optimizer = Optimizers.named("adam")   // Adam(learningRate: 0.001)
    /// ```
    public static func named(_ name: String) -> Optimizer? {
        switch name.lowercased() {
        case "sgd": return SGD()
        case "adam": return Adam()
        case "adamw": return AdamW()
        case "rmsprop": return RMSprop()
        case "adagrad": return Adagrad()
        default: return nil
        }
    }
}
