// exercise 10.1
// Only the parameters that receive a gradient count: RequiresGrad is what freezing turns off.
long CountTrainable(Module model) => model.Parameters().Where(p => p.RequiresGrad).Sum(p => (long)p.NumEl);
// exercise 10.2
// Names nest with dots (features.0.weight), so a prefix picks a layer or a whole block.
void FreezeByName(Module model, string prefix)
{
    foreach (var (name, parameter) in model.NamedParameters())
        if (name.StartsWith(prefix, StringComparison.Ordinal)) parameter.RequiresGrad = false;
}
// exercise 10.3
// 16·5·5 = 400 features per image in, one score per class out.
Module HeadFor(int classes) => new Sequential(new Flatten(), new Linear(LeNet5.FeatureCount, 64), new ReLU(), new Linear(64, classes));
