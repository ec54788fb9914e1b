package org.wsol.saliency.model;

import org.wsol.saliency.model.SaliencyModel.Mode;
import org.wsol.saliency.model.SaliencyModel.Prepared;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-processing: images become the network's normalised inputs. Each image is scaled to a working image (shorter
 * side 256 by default, as in the paper), then either resized whole to the input size (single crop) or cut into the
 * ten crops, optionally followed by the whole working image and its mirror (the full view).
 */
final class CropInputs {

    /** The full view and its mirror image. */
    static final int FULL_VIEWS = 2;

    private final int size;
    private final float[] mean;
    private final float[] std;

    /** Inputs of {@code size} x {@code size}, normalised with the model's per-channel mean and std. */
    CropInputs(int size, float[] mean, float[] std) {
        this.size = size;
        this.mean = mean;
        this.std = std;
    }

    static int cropsPerImage(Mode mode) {
        return mode == Mode.TEN_CROP ? TenCrop.CROPS : 1;
    }

    /** Network inputs per image: the crops, plus the full view and its mirror when on (ten-crop only). */
    static int inputsPerImage(Mode mode, boolean fullView) {
        return cropsPerImage(mode) + (fullView && mode == Mode.TEN_CROP ? FULL_VIEWS : 0);
    }

    /** Working images and their normalised inputs, images x inputs x 3 x S x S. */
    Prepared prepare(List<BufferedImage> images, Mode mode, int workingShortSide, boolean fullView) {
        if (mode == Mode.TEN_CROP && workingShortSide < size) {
            throw new IllegalArgumentException("ten crops need a working image of at least the input size " + size
                    + " (saliency.working.size is " + workingShortSide + ")");
        }
        int n = images.size();
        int crops = cropsPerImage(mode);
        int per = inputsPerImage(mode, fullView);
        int sample = 3 * size * size;
        List<BufferedImage> working = new ArrayList<>(n);
        float[] x = new float[n * per * sample];
        for (int i = 0; i < n; i++) {
            BufferedImage wi = Images.workingImage(images.get(i), workingShortSide);
            working.add(wi);
            if (mode == Mode.SINGLE_CROP) {
                int[] rgb = Images.rgb(Images.resize(wi, size, size));
                Images.normalise(rgb, size, 0, 0, size, false, mean, std, x, i * sample);
            } else {
                int w = wi.getWidth();
                int[] rgb = Images.rgb(wi);
                int[][] off = TenCrop.offsets(w, wi.getHeight(), size);
                for (int c = 0; c < crops; c++) {
                    Images.normalise(rgb, w, off[c][0], off[c][1], size, TenCrop.mirrored(c), mean, std,
                            x, (i * per + c) * sample);
                }
                if (per > crops) {
                    int[] full = Images.rgb(Images.resize(wi, size, size));
                    Images.normalise(full, size, 0, 0, size, false, mean, std, x, (i * per + crops) * sample);
                    Images.normalise(full, size, 0, 0, size, true, mean, std, x, (i * per + crops + 1) * sample);
                }
            }
        }
        return new Prepared(mode, List.copyOf(working), per, crops, x);
    }
}
