//! A PyTorch-style training loop in Synapse: a Model subclass with its own forward pass,
//! an optimizer over its parameters, zero_grad, backward and step.

// snippet.module
import Synapse

// class MLP(nn.Module): the layers are properties, forward says how they connect.
final class MLP: Model {
    let hidden = Dense(128, activation: .relu)       // nn.Linear(784, 128) + F.relu
    let output = Dense(10)                           // nn.Linear(128, 10): logits
    override func forward(_ input: Tensor, training: Bool) -> Tensor {
        output(hidden(input.flattened(startAxis: 1)))
    }
}
// snippet.end

// snippet.loop
Random.seed(0)                                       // torch.manual_seed(0)
let (images, labels) = try MNIST.load(split: .train, limit: 4096)   // [4096, 28, 28, 1], [4096]
let net = MLP()
_ = net(images[0..<1])                               // weights are created on the first call
let optimizer = Adam(parameters: net.trainableParameters, learningRate: 1e-3)  // torch.optim.Adam
let criterion = SparseCategoricalCrossentropy(fromLogits: true)      // nn.CrossEntropyLoss()

for epoch in 1...3 {
    var total: Float = 0
    for start in stride(from: 0, to: 4096, by: 64) {
        let x = images[start..<(start + 64)], y = labels[start..<(start + 64)]
        optimizer.zeroGrad()                         // optimizer.zero_grad()
        let loss = criterion(y, net(x, training: true))   // note Keras' order: (target, prediction)
        loss.backward()                              // loss.backward()
        optimizer.step()                             // optimizer.step()
        total += loss.item                           // loss.item()
    }
    print("epoch \(epoch): mean loss \(total / 64)")
}
// snippet.end

// snippet.inference
// with torch.no_grad(): model.eval(); model(x).argmax(1)
let (testImages, testLabels) = try MNIST.load(split: .test, limit: 1000)
let predicted = withoutGradient { net(testImages, training: false).argmax(alongAxis: 1) }
let accuracy = (predicted .== testLabels).to(.float32).mean().item
print("test accuracy \(accuracy)")
// snippet.end

// snippet.hide
precondition(accuracy > 0.85, "accuracy \(accuracy)")
