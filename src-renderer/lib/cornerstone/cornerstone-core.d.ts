/** The part of cornerstone-core 2.x this app uses (the package ships no types). */
declare module 'cornerstone-core' {
  export interface Voi {
    windowWidth: number;
    windowCenter: number;
  }
  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: Voi;
    invert: boolean;
    pixelReplication: boolean;
    rotation: number;
    hflip: boolean;
    vflip: boolean;
  }
  export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Uint8ClampedArray | Float32Array;
  export interface Image {
    imageId: string;
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    windowCenter: number;
    windowWidth: number;
    getPixelData: () => PixelArray;
    rows: number;
    columns: number;
    height: number;
    width: number;
    color: boolean;
    rgba?: boolean;
    columnPixelSpacing: number;
    rowPixelSpacing: number;
    invert: boolean;
    sizeInBytes: number;
  }
  export interface ImageLoadObject {
    promise: Promise<Image>;
    cancelFn?: () => void;
  }
  export type ImageLoader = (imageId: string, options?: unknown) => ImageLoadObject;
  export interface EnabledElement {
    element: HTMLElement;
    canvas: HTMLCanvasElement;
    image?: Image;
    viewport?: Viewport;
  }

  export const EVENTS: { IMAGE_RENDERED: string; NEW_IMAGE: string };
  export function enable(element: HTMLElement, options?: Record<string, unknown>): void;
  export function disable(element: HTMLElement): void;
  export function displayImage(element: HTMLElement, image: Image, viewport?: Partial<Viewport>): void;
  export function getEnabledElement(element: HTMLElement): EnabledElement;
  export function getViewport(element: HTMLElement): Viewport | undefined;
  export function setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
  export function getDefaultViewportForImage(element: HTMLElement, image: Image): Viewport;
  export function fitToWindow(element: HTMLElement): void;
  export function reset(element: HTMLElement): void;
  export function resize(element: HTMLElement, forceFitToWindow?: boolean): void;
  export function registerImageLoader(scheme: string, loader: ImageLoader): void;
  export function loadAndCacheImage(imageId: string, options?: unknown): Promise<Image>;
  export function loadImage(imageId: string, options?: unknown): Promise<Image>;
  export function renderToCanvas(canvas: HTMLCanvasElement, image: Image): void;
  export const imageCache: {
    setMaximumSizeBytes(bytes: number): void;
    purgeCache(): void;
    removeImageLoadObject(imageId: string): void;
    getImageLoadObject(imageId: string): ImageLoadObject | undefined;
  };
}
