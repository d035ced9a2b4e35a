"""Product images: the upload is checked with Pillow, stored as PNG/JPEG with a 240 px thumbnail."""
from __future__ import annotations

import io
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError

from core.errors import ValidationError
from core.plugin_api import translator

_, _l = translator("products")

THUMBNAIL_SIZE = (240, 240)
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "png", "WEBP": "png", "BMP": "png"}


def folder() -> Path:
    path = Path(current_app.instance_path) / "products" / "images"
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_image(data: bytes) -> Image.Image:
    """The uploaded picture, or a 422 saying it is not one we can use."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("The image is too large."), {"image": _("At most 40 megapixels.")})
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The file is not an image."),
                              {"image": _("Upload a JPEG, PNG, GIF, WebP or BMP picture.")}) from None
    if image.format not in FORMATS:
        raise ValidationError(_("The file is not an image."),
                              {"image": _("Upload a JPEG, PNG, GIF, WebP or BMP picture.")})
    return image


def store(product_id: int, data: bytes) -> str:
    """Save the picture and its thumbnail; returns the stored file name."""
    image = read_image(data)
    ext = FORMATS[image.format]
    converted = image.convert("RGB") if ext == "jpg" else image.convert("RGBA")
    for old in folder().glob(f"{product_id}.*"):
        old.unlink()
    name = f"{product_id}.{ext}"
    converted.save(folder() / name, "JPEG" if ext == "jpg" else "PNG", quality=90)
    thumb = converted.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb.save(folder() / thumbnail_name(name), "JPEG" if ext == "jpg" else "PNG", quality=85)
    return name


def thumbnail_name(name: str) -> str:
    stem, _dot, ext = name.rpartition(".")
    return f"{stem}_thumb.{ext}"


def path_of(name: str, thumbnail: bool) -> Path:
    return folder() / (thumbnail_name(name) if thumbnail else name)
