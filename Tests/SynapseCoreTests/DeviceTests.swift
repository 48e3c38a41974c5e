import Testing
@testable import SynapseCore

/// Devices: moving tensors, the task-local default device, constants placed on
/// their operand's device, random draws that agree across devices, and the isolated
/// test device refusing host reads.
@Suite("Devices")
struct DeviceTests {
    @Test("device names parse as the --device flag writes them")
    func names() {
        #expect(Device(name: "cpu") == .cpu)
        #expect(Device(name: "ISOLATED") == .isolated)
        #expect(Device(name: "cuda") == .cuda(0))
        #expect(Device(name: "cuda:3") == .cuda(3))
        #expect(Device(name: "cuda:-1") == nil)
        #expect(Device(name: "tpu") == nil)
        #expect(Device.cuda(2).description == "cuda:2")
    }

    @Test("to(_:) moves values of every dtype to the isolated device and back")
    func roundTrip() {
        let floats = Tensor([1.5, -2, 3.25], shape: [3])
        let moved = floats.to(.isolated)
        #expect(moved.device == .isolated)
        #expect(moved.scalars == [1.5, -2, 3.25])      // read through the backend's download
        #expect(moved.to(.cpu).device == .cpu)
        #expect(Tensor(int32: [4, -5]).to(.isolated).intScalars == [4, -5])
        #expect(Tensor(bool: [true, false]).to(.isolated).boolScalars == [true, false])
        #expect(Tensor(float64: [0.1, 1e-300]).to(.isolated).doubleScalars == [0.1, 1e-300])
        #expect(floats.to(.cpu).storage === floats.storage, "moving to the same device is free")
    }

    @Test("ops on the isolated device give the CPU's results bit for bit, backward included")
    func sameResults() {
        func run(on device: Device) -> ([Float], [Float], [Float]) {
            withDevice(device) {
                var generator = RandomGenerator(seed: 9)
                let x = Tensor.randomNormal([4, 6], generator: &generator).requiringGrad()
                let w = Tensor.randomUniform([6, 3], low: -1, high: 1, generator: &generator).requiringGrad()
                let logits = (x.matmul(w) * 0.5 + 1).relu().logSoftmax()
                let loss = (logits.gather(Tensor(int32: [0, 2, 1, 0]), axis: 1).sum() * -1) / 4 + x.square().mean()
                loss.backward()
                #expect(loss.device == device && x.grad?.device == device)
                return (loss.scalars, x.grad!.scalars, w.grad!.scalars)
            }
        }
        let (cpu, isolated) = (run(on: .cpu), run(on: .isolated))
        #expect(cpu.0.map(\.bitPattern) == isolated.0.map(\.bitPattern))
        #expect(cpu.1.map(\.bitPattern) == isolated.1.map(\.bitPattern))
        #expect(cpu.2.map(\.bitPattern) == isolated.2.map(\.bitPattern))
    }

    @Test("the default device places creations, scalars and random draws")
    func defaultDevice() {
        #expect(Device.current == .cpu)
        withDevice(.isolated) {
            #expect(Device.current == .isolated)
            #expect(Tensor.zeros([2]).device == .isolated)
            #expect(Tensor([1, 2]).device == .isolated)
            #expect(Tensor.arange(0, 3, dtype: .int32).device == .isolated)
            #expect((Tensor.ones([2]) * 2 + 1).device == .isolated)
            #expect(Tensor.randomUniform([3]).device == .isolated)
        }
        #expect(Tensor.zeros([2]).device == .cpu)
        // A scalar meets its operand on the operand's device, whatever the default.
        let isolated = Tensor([1, 2, 3]).to(.isolated)
        #expect((isolated * 2).scalars == [2, 4, 6])
        #expect((isolated .> 1.5).boolScalars == [false, true, true])
    }

    @Test("the same seed gives the same random numbers on every device, in both precisions")
    func random() {
        for distribution in [RandomDistribution.uniform(low: -2, high: 3), .normal(mean: 1, standardDeviation: 2),
                             .truncatedNormal(mean: 0, standardDeviation: 1)] {
            var first = RandomGenerator(seed: 123), second = RandomGenerator(seed: 123)
            let cpu = Tensor.random([1001], distribution, generator: &first)
            let isolated = Tensor.random([1001], distribution, generator: &second, device: .isolated)
            #expect(cpu.scalars.map(\.bitPattern) == isolated.scalars.map(\.bitPattern))
            #expect(first == second, "both generators advance alike")
            var third = RandomGenerator(seed: 123)
            let doubles = Tensor.random([1001], distribution, generator: &third, dtype: .float64)
            #expect(zip(doubles.doubleScalars, cpu.scalars).allSatisfy { Float($0) == $1 })
        }
        // The draws have the distributions' moments.
        var generator = RandomGenerator(seed: 5)
        let normal = Tensor.randomNormal([20_000], mean: 1, standardDeviation: 2, generator: &generator)
        #expect(Swift.abs(normal.mean().item - 1) < 0.05)
        #expect(Swift.abs(normal.standardDeviation().item - 2) < 0.05)
        let truncated = Tensor.truncatedNormal([20_000], generator: &generator)
        #expect(truncated.abs().max().item <= 2)
    }

    @Test("gradients move back through to(_:)")
    func gradientThroughMove() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        let y = (x.to(.isolated) * x.to(.isolated)).sum()
        y.backward()
        #expect(x.grad?.device == .cpu)
        #expect(x.grad?.scalars == [2, 4, 6])
    }

    @Test("operands on different devices stop with the op and both devices")
    func mismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2]) + Tensor([1, 2]).to(.isolated)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("add: operands are on different devices (cpu and isolated)"), "\(message)")
    }

    @Test("host code cannot read isolated memory")
    func hostReadRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tensor = Tensor([1, 2]).to(.isolated)
            _ = tensor.withUnsafePointer(as: Float.self) { $0[0] }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("withUnsafePointer: tensor is on isolated; move it with .to(.cpu) first"), "\(message)")
        let raw = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tensor = Tensor([1, 2]).to(.isolated)
            _ = tensor.storage.pointer(as: Float.self)
        }
        let rawMessage = String(decoding: raw?.standardErrorContent ?? [], as: UTF8.self)
        #expect(rawMessage.contains("host read of isolated memory"), "\(rawMessage)")
    }

    @Test("storage is allocated and cached per device")
    func perDeviceAllocation() {
        let a = Tensor.zeros([100_000], device: .isolated)
        let b = Tensor.zeros([100_000])
        #expect(a.storage.device == .isolated && b.storage.device == .cpu)
        #expect(a.storage.allocator !== b.storage.allocator, "each device has an allocator (and block cache) of its own")
        #expect(a.storage.allocator === Backends.backend(for: .isolated).allocator)
        #expect(Backends.available.map(\.device).contains(.isolated))
        #expect(Backends.backend(for: .isolated).name.contains("isolated"))
    }

    @Test("a device without a backend is reported in one line")
    func unavailable() {
        guard case .failure(let reason) = Backends.lookup(.cuda(999)) else { return }
        #expect(reason.description.hasPrefix("cuda:999 is unavailable: "))
    }
}
