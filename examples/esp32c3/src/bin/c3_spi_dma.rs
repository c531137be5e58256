#![no_std]
#![no_main]
use esp_hal::main;
esp_bootloader_esp_idf::esp_app_desc!();
#[main]
fn main() -> ! {
    let _p = esp_hal::init(esp_hal::Config::default());
    loop {}
}
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
