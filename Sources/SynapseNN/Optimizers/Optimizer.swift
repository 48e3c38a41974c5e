/// The base class of every optimizer: it owns the parameter list, the learning
/// rate (a constant or a ``LearningRateSchedule``), gradient clipping and the
/// per-parameter state (momentum buffers, Adam moments).
///
/// Two ways to use it, as in Keras and PyTorch:
///
/// ```swift
/// // PyTorch style: a manual training loop.
/// let optimizer = Adam(parameters: model.trainableParameters, learningRate: 1e-3)
/// for (x, y) in batches {
///     optimizer.zeroGrad()
///     let loss = meanSquaredError(model(x, training: true), y)
///     loss.backward()
///     optimizer.step()
/// }
///
/// // Keras style: `compile` assigns the parameters later.
/// let optimizer = Adam(learningRate: CosineDecay(initialLearningRate: 1e-3, decaySteps: 1000))
/// optimizer.parameters = model.trainableParameters
/// ```
///
/// ``step()`` runs, in order: the ``gradientTransform`` hook (where data-parallel
/// training averages gradients across processes), value clipping (``clipValue``),
/// norm clipping (``clipNorm`` or ``globalClipNorm``), then ``update(_:gradient:learningRate:)``
/// for every trainable parameter that has a gradient, and finally increments
/// ``iterations``. Updates run without recording gradients and use tensor ops only,
/// so they run on whatever device holds the parameters.
///
/// To write a new optimizer, subclass and override ``update(_:gradient:learningRate:)``;
/// keep per-parameter tensors with ``state(_:for:)`` / ``setState(_:_:for:)`` so they
/// are saved in checkpoints, and list their names in ``stateSlotNames``:
///
/// ```swift
/// final class SignSGD: Optimizer {
///     override func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
///         parameter.assign(parameter.value - learningRate * gradient.sign())
///     }
/// }
/// ```
///
/// Differences from Keras: when both ``clipValue`` and a norm clip are set, Keras
/// applies only the norm clip; Synapse applies both (values first).
///
/// Clipping changes only the gradients the update uses. Updating a parameter
/// replaces its value with a fresh leaf (``Parameter/assign(_:)``), which clears
/// its gradient: after ``step()`` the updated parameters have no gradient, unlike
/// PyTorch, where `.grad` survives until `zero_grad()`.
open class Optimizer {
    /// The parameters this optimizer updates, without duplicates (a parameter listed
    /// twice, as a shared layer's, is kept once, at its first position). Frozen
    /// parameters may be listed; ``step()`` skips them.
    public var parameters: [Parameter] {
        didSet { parameters = Self.unique(parameters) }
    }

    /// The learning rate as a function of ``iterations``.
    public var schedule: any LearningRateSchedule

    /// Number of ``step()`` calls so far (Keras' `iterations`); schedules are
    /// evaluated at this value, so the first step uses `schedule(step: 0)`.
    public internal(set) var iterations: Int = 0

    /// Rescales each parameter's gradient to L2 norm at most this value (Keras'
    /// `clipnorm`): `g · c / max(‖g‖, c)`. Must be positive; `nil` turns it off.
    public var clipNorm: Float? {
        didSet { validateClipping() }
    }

    /// Rescales all gradients together so their joint L2 norm is at most this value
    /// (Keras' `global_clipnorm`, PyTorch's `clip_grad_norm_`): `g · c / max(‖G‖, c)`.
    /// PyTorch uses `c / (‖G‖ + 10⁻⁶)` capped at 1, which differs by about 10⁻⁶
    /// relative when clipping is active. Must be positive and cannot be combined
    /// with ``clipNorm``.
    public var globalClipNorm: Float? {
        didSet { validateClipping() }
    }

    /// Clamps every gradient element to `[-clipValue, clipValue]` (Keras'
    /// `clipvalue`, PyTorch's `clip_grad_value_`). Must be positive.
    public var clipValue: Float? {
        didSet { validateClipping() }
    }

    /// Called by ``step()`` with the trainable parameters once their gradients are
    /// final and before clipping; it may replace gradients with
    /// ``Parameter/setGrad(_:)``. Data-parallel training averages gradients here.
    public var gradientTransform: (([Parameter]) -> Void)?

    /// Keeps an exponential moving average of every trainable parameter (Keras'
    /// `use_ema`). `Model` fits end by copying the averages into the parameters
    /// (``finalizeVariableValues()``); averaged weights usually generalise better
    /// than the last step's. Default `false`.
    ///
    /// ```swift
    /// let optimizer = Adam(learningRate: 1e-3)
    /// optimizer.useEMA = true            // emaMomentum 0.99, as Keras
    /// ```
    public var useEMA = false

    /// The average's decay per step, in [0, 1) (Keras' `ema_momentum`, default
    /// 0.99): `average ← momentum · average + (1 − momentum) · parameter`. The first
    /// step copies the parameter.
    public var emaMomentum: Float = 0.99 {
        didSet {
            require(emaMomentum >= 0 && emaMomentum < 1, "\(typeName): emaMomentum must be in [0, 1), got \(emaMomentum)")
        }
    }

    /// When set, every this many steps the parameters are overwritten with their
    /// averages (Keras' `ema_overwrite_frequency`); `nil` (default) overwrites only
    /// at the end of a fit. Must be positive.
    public var emaOverwriteFrequency: Int? {
        didSet {
            if let frequency = emaOverwriteFrequency {
                require(frequency > 0, "\(typeName): emaOverwriteFrequency must be positive, got \(frequency)")
            }
        }
    }

    /// Per-parameter state tensors, by slot name.
    private var slots: [ObjectIdentifier: [String: Tensor]] = [:]
    /// Per-parameter number of updates (PyTorch keeps a step count per parameter,
    /// so parameters that miss a step get their own bias correction).
    private var updateCounts: [ObjectIdentifier: Int] = [:]

    /// Creates an optimizer with a learning-rate schedule.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update; may be empty and assigned later.
    ///   - schedule: the learning rate as a function of the step.
    ///   - clipNorm: per-parameter gradient norm limit (``clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit (``globalClipNorm``).
    ///   - clipValue: gradient element limit (``clipValue``).
    public init(parameters: [Parameter] = [], learningRate schedule: any LearningRateSchedule,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        self.parameters = Self.unique(parameters)
        self.schedule = schedule
        self.clipNorm = clipNorm
        self.globalClipNorm = globalClipNorm
        self.clipValue = clipValue
        if let constant = schedule as? ConstantLearningRate { validateLearningRate(constant.value) }
        validateClipping()
    }

    /// Creates an optimizer with a constant learning rate.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update; may be empty and assigned later.
    ///   - learningRate: the constant learning rate, a finite number >= 0.
    ///   - clipNorm: per-parameter gradient norm limit (``clipNorm``); `nil` (default) for none.
    ///   - globalClipNorm: joint gradient norm limit (``globalClipNorm``); `nil` (default) for none.
    ///   - clipValue: gradient element limit (``clipValue``); `nil` (default) for none.
    public convenience init(parameters: [Parameter] = [], learningRate: Float,
                            clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        self.init(parameters: parameters, learningRate: ConstantLearningRate(unchecked: learningRate) as any LearningRateSchedule,
                  clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// The learning rate the next ``step()`` uses. Setting it replaces the schedule
    /// with a constant (as Keras' `ReduceLROnPlateau` does).
    public var learningRate: Float {
        get { schedule(step: iterations) }
        set {
            validateLearningRate(newValue)
            schedule = ConstantLearningRate(unchecked: newValue)
        }
    }

    /// Names of the per-parameter state slots this optimizer keeps (PyTorch's state
    /// names, such as "exp_avg"); ``loadStateTensors(_:)`` accepts only these.
    open var stateSlotNames: [String] { [] }

    /// Computes and applies one update of `parameter` (with ``Parameter/assign(_:)``).
    ///
    /// Called by ``step()`` without gradient recording, after clipping and after
    /// the parameter's update count (``updateCount(for:)``) was incremented.
    ///
    /// - Parameters:
    ///   - parameter: a trainable parameter.
    ///   - gradient: its gradient after the hook and clipping, same shape.
    ///   - learningRate: the schedule's value for this step.
    open func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
        fatalError("\(type(of: self)) must override update(_:gradient:learningRate:)")
    }

    /// Applies one update to every trainable parameter that has a gradient, then
    /// increments ``iterations``.
    public func step() {
        let trainable = parameters.filter(\.isTrainable)
        gradientTransform?(trainable)
        let learningRate = schedule(step: iterations)
        withoutGradient {
            var pairs = trainable.compactMap { parameter in parameter.grad.map { (parameter, $0) } }
            clipGradients(&pairs)
            for (parameter, gradient) in pairs {
                updateCounts[ObjectIdentifier(parameter), default: 0] += 1
                update(parameter, gradient: gradient, learningRate: learningRate)
            }
            if useEMA { updateMovingAverages(of: pairs.map(\.0)) }
        }
        iterations += 1
        if useEMA, let frequency = emaOverwriteFrequency, iterations % frequency == 0 {
            finalizeVariableValues()
        }
    }

    /// Clears the gradients of all ``parameters``.
    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGrad() }
    }

    /// Forgets all per-parameter state and sets ``iterations`` back to 0.
    public func resetState() {
        slots = [:]
        updateCounts = [:]
        iterations = 0
    }

    // MARK: State for subclasses

    /// The state tensor `slot` of `parameter`, or `nil` before its first update.
    ///
    /// - Parameters:
    ///   - slot: the slot name, e.g. "exp_avg".
    ///   - parameter: the parameter the state belongs to.
    /// - Returns: the stored tensor, or `nil` when none is stored.
    public func state(_ slot: String, for parameter: Parameter) -> Tensor? {
        slots[ObjectIdentifier(parameter)]?[slot]
    }

    /// Stores the state tensor `slot` of `parameter`.
    ///
    /// - Parameters:
    ///   - tensor: the state to store, usually of the parameter's shape.
    ///   - slot: the slot name, e.g. "exp_avg"; list it in ``stateSlotNames``.
    ///   - parameter: the parameter the state belongs to.
    public func setState(_ tensor: Tensor, _ slot: String, for parameter: Parameter) {
        slots[ObjectIdentifier(parameter), default: [:]][slot] = tensor
    }

    /// How many updates `parameter` received, counting the current one inside
    /// ``update(_:gradient:learningRate:)`` (so 1 on the first update).
    ///
    /// - Parameter parameter: the parameter to ask about.
    /// - Returns: its number of updates; 0 before the first.
    public func updateCount(for parameter: Parameter) -> Int {
        updateCounts[ObjectIdentifier(parameter)] ?? 0
    }

    /// Applies `rule` to `parameter` with one fused kernel, in place. The state
    /// tensors named `slotNames` (in the rule's order) start at `initialSlotValue`
    /// and are kept in this optimizer's state, so they are saved in checkpoints.
    ///
    /// - Parameters:
    ///   - rule: the update and its constants for this step.
    ///   - parameter: the parameter to update.
    ///   - gradient: its gradient, same shape.
    ///   - slotNames: one name per state tensor of `rule` (see ``stateSlotNames``).
    ///   - initialSlotValue: the value every state tensor starts at (0 by default;
    ///     Adagrad's initial accumulator value).
    public func applyFusedUpdate(_ rule: ParameterUpdateRule, to parameter: Parameter, gradient: Tensor,
                                 slotNames: [String], initialSlotValue: Float = 0) {
        let key = ObjectIdentifier(parameter)
        let device = parameter.value.device
        // Taken out of the dictionary while updated, so the kernel owns them
        // uniquely and writes in place instead of copying.
        var states = slots.removeValue(forKey: key) ?? [:]
        var tensors = slotNames.map { states.removeValue(forKey: $0).map { $0.to(device) }
            ?? Tensor.full(parameter.shape, value: initialSlotValue, device: device) }
        parameter.updateInPlace { value in
            value.applyUpdate(rule, gradient: gradient, slots: &tensors)
        }
        for (name, tensor) in zip(slotNames, tensors) { states[name] = tensor }
        slots[key] = states
    }

    // MARK: Moving average of the weights

    /// The slot that holds a parameter's moving average (see ``useEMA``).
    static let movingAverageSlot = "ema"

    /// The moving average of `parameter`'s value, or `nil` before its first update
    /// or when ``useEMA`` is off.
    ///
    /// - Parameter parameter: the parameter whose average to return.
    /// - Returns: the average, of the parameter's shape, or `nil`.
    public func movingAverage(of parameter: Parameter) -> Tensor? {
        state(Self.movingAverageSlot, for: parameter)
    }

    /// Copies each parameter's moving average into the parameter (Keras'
    /// `finalize_variable_values`). Does nothing when ``useEMA`` is off. `Model`
    /// fits call it when they end, before the callbacks' `trainEnd`.
    public func finalizeVariableValues() {
        guard useEMA else { return }
        withoutGradient {
            for parameter in parameters where parameter.isTrainable {
                // Shares storage with the average; the next in-place update copies.
                if let average = movingAverage(of: parameter) { parameter.assign(average) }
            }
        }
    }

    /// One moving-average step for each of `updated`, in place.
    private func updateMovingAverages(of updated: [Parameter]) {
        for parameter in updated {
            let key = ObjectIdentifier(parameter)
            // Taken out while updated so the kernel owns the storage and writes in place.
            guard var average = slots[key]?.removeValue(forKey: Self.movingAverageSlot) else {
                slots[key, default: [:]][Self.movingAverageSlot] = parameter.value.detached()
                continue
            }
            var noSlots: [Tensor] = []
            average.applyUpdate(.movingAverage(momentum: emaMomentum), gradient: parameter.value, slots: &noSlots)
            slots[key, default: [:]][Self.movingAverageSlot] = average
        }
    }

    // MARK: Internals

    /// All per-parameter state: slots and update counts, by parameter identity.
    var allState: (slots: [ObjectIdentifier: [String: Tensor]], counts: [ObjectIdentifier: Int]) {
        get { (slots, updateCounts) }
        set { (slots, updateCounts) = (newValue.slots, newValue.counts) }
    }

    /// "Adam", "SGD": the prefix of validation messages.
    var typeName: String { String(describing: type(of: self)) }

    private func validateLearningRate(_ value: Float) {
        require(value >= 0 && value.isFinite, "\(typeName): learningRate must be a finite number >= 0, got \(value)")
    }

    private func validateClipping() {
        for (name, value) in [("clipNorm", clipNorm), ("globalClipNorm", globalClipNorm), ("clipValue", clipValue)] {
            if let value {
                require(value > 0 && value.isFinite, "\(typeName): \(name) must be a finite number > 0, got \(value)")
            }
        }
        require(clipNorm == nil || globalClipNorm == nil,
                "\(typeName): only one of clipNorm and globalClipNorm can be set, got clipNorm \(clipNorm!) and globalClipNorm \(globalClipNorm!)")
    }

    private static func unique(_ parameters: [Parameter]) -> [Parameter] {
        var seen = Set<ObjectIdentifier>()
        return parameters.filter { seen.insert(ObjectIdentifier($0)).inserted }
    }
}
