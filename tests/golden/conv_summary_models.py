"""Models using every convolution, pooling and spatial layer, for the summary test: built
through the ``keras`` module given (real Keras 3 printed tests/golden/conv_summary.txt)."""

CF = "channels_first"


def models(keras):
    L = keras.layers
    mnist = keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
        L.Dense(10, activation="softmax")])
    conv1d = keras.Sequential([
        keras.Input((40, 1)), L.Conv1D(32, 5, activation="relu", padding="same"),
        L.MaxPooling1D(2), L.Conv1D(64, 3, activation="relu"), L.GlobalAveragePooling1D(),
        L.Dense(10, activation="softmax")])
    first = keras.Sequential([
        keras.Input((3, 16, 16)), L.ZeroPadding2D(1, data_format=CF),
        L.SeparableConv2D(8, 3, strides=2, data_format=CF, depth_multiplier=2),
        L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", data_format=CF),
        L.Conv2DTranspose(4, 3, strides=2, data_format=CF),
        L.Cropping2D(((1, 0), (2, 1)), data_format=CF),
        L.UpSampling2D(2, data_format=CF), L.SpatialDropout2D(0.2, data_format=CF),
        L.AveragePooling2D(3, strides=2, padding="same", data_format=CF),
        L.GlobalMaxPooling2D(data_format=CF, keepdims=True)])
    mixed = keras.Sequential([
        keras.Input((6, 7, 8, 2)), L.Conv3D(4, 2, groups=2),
        L.Conv3DTranspose(2, 3, strides=2, output_padding=1), L.MaxPooling3D(),
        L.UpSampling3D(), L.ZeroPadding3D(((1, 0), (0, 1), (2, 2))), L.Cropping3D(1),
        L.GlobalAveragePooling3D(), keras.layers.Reshape((2, 1)),
        L.Conv1DTranspose(3, 2, padding="same", strides=2), L.UpSampling1D(3),
        L.ZeroPadding1D((0, 2)), L.Cropping1D((1, 0)), L.SeparableConv1D(2, 2),
        L.DepthwiseConv1D(2), L.AveragePooling1D(2), L.GlobalMaxPooling1D()])
    return [mnist, conv1d, first, mixed]
