package org.wsol.saliency.model;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Image plumbing: resizing, normalisation into CHW floats, and float-map resizing. */
public final class Images {

    private Images() {}

    /** Copy of img scaled so that its shorter side is shortSide (aspect kept), TYPE_INT_RGB. */
    public static BufferedImage workingImage(BufferedImage img, int shortSide) {
        int w = img.getWidth();
        int h = img.getHeight();
        double s = (double) shortSide / Math.min(w, h);
        int nw = Math.max(shortSide, (int) Math.round(w * s));
        int nh = Math.max(shortSide, (int) Math.round(h * s));
        return resize(img, nw, nh);
    }

    /** Bilinear resize to w x h (TYPE_INT_RGB; alpha, if any, is dropped). */
    public static BufferedImage resize(BufferedImage img, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Packed RGB pixels of img, row-major. */
    public static int[] rgb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /**
     * Writes the size x size window at (ox, oy) of an RGB image (packed ints, row stride width) into
     * dst[offset..] as 3 x size x size floats, x = (pixel/255 - mean)/std, optionally mirrored.
     */
    public static void normalise(int[] rgb, int width, int ox, int oy, int size, boolean mirror,
                                 float[] mean, float[] std, float[] dst, int offset) {
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = rgb[(oy + y) * width + ox + (mirror ? size - 1 - x : x)];
                int i = offset + y * size + x;
                dst[i] = (((p >> 16) & 0xff) / 255f - mean[0]) / std[0];
                dst[i + plane] = (((p >> 8) & 0xff) / 255f - mean[1]) / std[1];
                dst[i + 2 * plane] = ((p & 0xff) / 255f - mean[2]) / std[2];
            }
        }
    }

    /** M_ij = max over channels |g_cij| for one 3 x size x size gradient at g[offset..]. */
    public static float[] maxAbsOverChannels(float[] g, int offset, int size) {
        int plane = size * size;
        float[] m = new float[plane];
        for (int i = 0; i < plane; i++) {
            int j = offset + i;
            m[i] = Math.max(Math.abs(g[j]), Math.max(Math.abs(g[j + plane]), Math.abs(g[j + 2 * plane])));
        }
        return m;
    }

    /**
     * Bilinear resize of a float map, pixel centres aligned (like align_corners=false). The column positions and
     * weights are worked out once per call, not once per pixel (the same arithmetic, so the same values): five
     * 320 x 320 class activation maps per image made this loop a tenth of the default mode's CPU time.
     */
    public static float[] resizeMap(float[] src, int sw, int sh, int dw, int dh) {
        float[] out = new float[dw * dh];
        float fx = (float) sw / dw;
        float fy = (float) sh / dh;
        int[] xs0 = new int[dw];
        int[] xs1 = new int[dw];
        float[] wxs = new float[dw];
        for (int x = 0; x < dw; x++) {
            float sx = Math.max(0f, Math.min(sw - 1f, (x + 0.5f) * fx - 0.5f));
            xs0[x] = (int) sx;
            xs1[x] = Math.min(xs0[x] + 1, sw - 1);
            wxs[x] = sx - xs0[x];
        }
        for (int y = 0; y < dh; y++) {
            float sy = Math.max(0f, Math.min(sh - 1f, (y + 0.5f) * fy - 0.5f));
            int y0 = (int) sy;
            int r0 = y0 * sw;
            int r1 = Math.min(y0 + 1, sh - 1) * sw;
            float wy = sy - y0;
            int o = y * dw;
            for (int x = 0; x < dw; x++) {
                int x0 = xs0[x];
                int x1 = xs1[x];
                float wx = wxs[x];
                float top = src[r0 + x0] * (1 - wx) + src[r0 + x1] * wx;
                float bot = src[r1 + x0] * (1 - wx) + src[r1 + x1] * wx;
                out[o + x] = top * (1 - wy) + bot * wy;
            }
        }
        return out;
    }
}
