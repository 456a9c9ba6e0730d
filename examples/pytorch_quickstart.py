"""PyTorch's quickstart tutorial (beginner_source/basics/quickstart_tutorial.py), ported to
tracegrad: load data, define a model as an nn.Module, train it with SGD, test it, save it,
load it and predict.

The code is the tutorial's, line for line, but for the imports, the names of a few
functions (`ag.cuda`, `nn.optim`, `nn.save`, `nn.load`, `ag.no_grad`, `ag.float`: seven
lines) and the data:
FashionMNIST is downloaded by torchvision, which tracegrad does not do, so scikit-learn's
8x8 digits stand in for it (as images of shape (1, 8, 8); the first layer takes 8*8
inputs instead of 28*28).

Run: python -m examples.pytorch_quickstart   (writes model.pth, a tracegrad checkpoint, in the
current folder)
"""
import autograd as ag
import nn
from nn import DataLoader

x_train, x_test, y_train, y_test = nn.datasets.train_test_split(*nn.datasets.digits())
training_data = nn.TensorDataset(x_train.reshape(-1, 1, 8, 8), y_train)
test_data = nn.TensorDataset(x_test.reshape(-1, 1, 8, 8), y_test)

batch_size = 64

train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

for X, y in test_dataloader:
    print("Shape of X [N, C, H, W]: ", X.shape)
    print("Shape of y: ", y.shape, y.dtype)
    break

device = "cuda" if ag.cuda.is_available() else "cpu"
print("Using {} device".format(device))

class NeuralNetwork(nn.Module):
    def __init__(self):
        super(NeuralNetwork, self).__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8*8, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
            nn.ReLU()
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits

model = NeuralNetwork().to(device)
print(model)

loss_fn = nn.CrossEntropyLoss()
optimizer = nn.optim.SGD(model.parameters(), lr=1e-3)

def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)

        pred = model(X)
        loss = loss_fn(pred, y)

        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        if batch % 100 == 0:
            loss, current = loss.item(), batch * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with ag.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(ag.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")

epochs = 5
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    test(test_dataloader, model, loss_fn)
print("Done!")

nn.save(model.state_dict(), "model.pth")
print("Saved PyTorch Model State to model.pth")

model = NeuralNetwork()
model.load_state_dict(nn.load("model.pth"))

classes = [str(digit) for digit in range(10)]

model.eval()
x, y = test_data[0][0], test_data[0][1]
with ag.no_grad():
    pred = model(x)
    predicted, actual = classes[pred[0].argmax(0)], classes[y]
    print(f'Predicted: "{predicted}", Actual: "{actual}"')
