"""Draws the app icon (a stylised chest radiograph with a text cursor) at the
sizes electron-builder wants. Run with Debian's python3 (python3-pil):
    /usr/bin/python3 resources/icons/make-icon.py
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).parent
S = 1024  # master size in px; smaller sizes are downsampled

img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
d.rounded_rectangle((40, 40, S - 40, S - 40), radius=180, fill=(17, 19, 23, 255))
film = Image.new("L", (S, S), 0)
f = ImageDraw.Draw(film)
f.ellipse((210, 230, 500, 800), fill=150)  # right lung (viewer's left)
f.ellipse((524, 230, 814, 800), fill=150)  # left lung
f.rectangle((470, 200, 554, 820), fill=235)  # spine and mediastinum
f.ellipse((450, 520, 700, 760), fill=225)  # heart shadow
for i in range(6):
    y = 300 + i * 80
    f.arc((200, y - 60, 520, y + 60), 200, 340, fill=210, width=14)
    f.arc((504, y - 60, 824, y + 60), 200, 340, fill=210, width=14)
film = film.filter(ImageFilter.GaussianBlur(10))
img.paste((95, 179, 240, 255), (0, 0), film.point(lambda v: int(v * 0.9)))
d.rectangle((720, 820, 900, 850), fill=(230, 232, 235, 255))  # a line of report text
d.rectangle((720, 870, 850, 900), fill=(230, 232, 235, 180))
img.save(OUT / "icon.png")
for size in (16, 32, 48, 64, 128, 256, 512):
    img.resize((size, size), Image.LANCZOS).save(OUT / f"{size}x{size}.png")
